"""清风 qingfeng: integrity-risk training and examination on Jupyter."""
__version__ = "0.1.0"

from . import iri_grammar

iri_grammar.defer()  # nbformat → jsonschema would otherwise compile an unused grammar on every command (1.7 s)

LABEXTENSION_NAME = "qingfeng-exam"  # src/qingfeng/labextension, built from labextension/ (make labextension)


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": LABEXTENSION_NAME}]


def _jupyter_server_extension_points():
    return [{"module": "qingfeng.exam.candidate_server"}]
