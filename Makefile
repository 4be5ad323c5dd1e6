# 清风 qingfeng — the two commands of the README: `make run` and `make test`.
# Both create .venv when missing and install the project into it from pyproject.toml.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8888
ROOTFLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: run test test-fast bench install browser clean hub hub-stop hub-status

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

## make run: install, prepare the exam course folder, start JupyterLab on 127.0.0.1
run: $(STAMP)
	$(BIN)/qingfeng setup
	@echo "正在启动 JupyterLab：请在浏览器打开下面打印的 http://$(HOST):$(PORT)/lab?token=… 地址（Ctrl+C 停止）"
	$(BIN)/jupyter lab --no-browser --ip=$(HOST) --port=$(PORT) --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.app_settings_dir="$(CURDIR)/jupyterlab-settings" $(ROOTFLAG)

## make hub: JupyterHub for many people on this machine (as root; see deploy/README.md)
HUB_HOST ?= 127.0.0.1
HUB_PORT ?= 8000
hub:
	QINGFENG_HUB_HOST=$(HUB_HOST) QINGFENG_HUB_PORT=$(HUB_PORT) bash deploy/hub.sh start

hub-stop:
	QINGFENG_HUB_HOST=$(HUB_HOST) QINGFENG_HUB_PORT=$(HUB_PORT) bash deploy/hub.sh stop

hub-status:
	QINGFENG_HUB_HOST=$(HUB_HOST) QINGFENG_HUB_PORT=$(HUB_PORT) bash deploy/hub.sh status

## make browser: Debian chromium for the real-browser test (needs root or sudo)
browser:
	bash scripts/install-browser.sh

## make test: every test, including notebooks, nbgrader and the browser test
test: $(STAMP) browser
	$(BIN)/python -m pytest

## make test-fast: unit tests only
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

bench: $(STAMP)
	$(BIN)/python -m qingfeng.bench

clean:
	rm -rf $(VENV) .pytest_cache build src/*.egg-info
