# 清风 qingfeng — the two commands of the README: `make run` and `make test`.
# Both create .venv when missing and install the project into it from pyproject.toml.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8888
ROOTFLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
LEARNER_DIR ?= 我的课程

.PHONY: run test test-fast bench install browser clean labextension hub hub-stop hub-status

# The candidate's JupyterLab extension is committed prebuilt (src/qingfeng/labextension/): installing
# only links it into .venv and enables its server extension; no Node build on a fresh clone.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m qingfeng.candidate_extension install
	@touch $(STAMP)

install: $(STAMP)

## make run: install, prepare the exam course folder and the learner's own course copy, start JupyterLab on 127.0.0.1
run: $(STAMP)
	$(BIN)/qingfeng setup
	$(BIN)/qingfeng courses sync --dest "$(CURDIR)/$(LEARNER_DIR)"
	@echo "正在启动 JupyterLab：请在浏览器打开下面打印的 http://$(HOST):$(PORT)/lab?token=… 地址（Ctrl+C 停止）"
	$(BIN)/jupyter lab --no-browser --ip=$(HOST) --port=$(PORT) --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.app_settings_dir="$(CURDIR)/jupyterlab-settings" $(ROOTFLAG) \
		--ServerApp.jpserver_extensions qingfeng.learning.lab_extension=True --LabApp.custom_css=True \
		--LabApp.default_url="/lab/tree/$(LEARNER_DIR)/00_课程首页.ipynb"

## make hub: JupyterHub for many people on this machine (as root; see deploy/README.md)
HUB_HOST ?= 127.0.0.1
HUB_PORT ?= 8000
hub:
	QINGFENG_HUB_HOST=$(HUB_HOST) QINGFENG_HUB_PORT=$(HUB_PORT) bash deploy/hub.sh start

hub-stop:
	QINGFENG_HUB_HOST=$(HUB_HOST) QINGFENG_HUB_PORT=$(HUB_PORT) bash deploy/hub.sh stop

hub-status:
	QINGFENG_HUB_HOST=$(HUB_HOST) QINGFENG_HUB_PORT=$(HUB_PORT) bash deploy/hub.sh status

## make browser: Debian chromium for the real-browser tests, poppler-utils for the certificate PDF test, LibreOffice for the printed-paper test (needs root or sudo)
browser:
	bash scripts/install-browser.sh

## make postgres: Debian PostgreSQL 15 binaries for the PostgreSQL gradebook tests and deploy/postgres.sh
.PHONY: postgres
postgres:
	bash scripts/install-postgres.sh

## make test: every test, including notebooks, nbgrader and the browser test
test: $(STAMP) browser postgres
	$(BIN)/python -m pytest

## make test-fast: unit tests only
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

## make labextension: rebuild the candidate's extension from labextension/ (needs Node 20 and npm)
labextension: $(STAMP)
	cd labextension && npm ci --no-audit --no-fund --loglevel=error
	cd labextension && node_modules/.bin/tsc -p . && node node_modules/@jupyterlab/builder/lib/build-labextension.js \
		--core-path "$$(../$(BIN)/python -m qingfeng.candidate_extension core-path)" .
	$(BIN)/python -m qingfeng.candidate_extension record

bench: $(STAMP) postgres
	$(BIN)/python -m qingfeng.bench

clean:
	rm -rf $(VENV) .pytest_cache build src/*.egg-info
