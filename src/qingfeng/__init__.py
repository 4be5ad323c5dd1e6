"""清风 qingfeng: integrity-risk training and examination on Jupyter."""
__version__ = "0.1.0"

LABEXTENSION_NAME = "qingfeng-exam"  # src/qingfeng/labextension, built from labextension/ (make labextension)


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": LABEXTENSION_NAME}]


def _jupyter_server_extension_points():
    return [{"module": "qingfeng.exam.candidate_server"}]
