"""The ``qingfeng`` command: a thin click layer over the library."""
