"""清风 qingfeng: integrity-risk training and examination on Jupyter."""
__version__ = "0.1.0"
