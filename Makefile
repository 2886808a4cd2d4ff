# The two commands: `make run` and `make test`. `make bench` measures.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/helpdesk_bench
BENCH_TICKETS ?= 100000
RIVAL_VENV := .venv-rival
RIVAL_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/rival_dh
RIVAL_TICKETS ?= 100000

# Python 3.12+: the first of these that is new enough (pyenv installs included).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python 2>/dev/null); do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: run test bench bench-chat bench-live bench-load bench-rival install messages clean clean-data

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required (none found on PATH or under ~/.pyenv)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

# Without DATABASE_URL / REDIS_URL: an embedded PostgreSQL (data kept in EMBEDDED_DATA_DIR, default .data/) and Redis.
run: install
	$(BIN)/python -m helpdesk.embedded $(BIN)/python manage.py serve --port $(PORT)

# Without DATABASE_URL / REDIS_URL: a throwaway embedded PostgreSQL and Redis for the run.
test: install
	$(BIN)/python -m helpdesk.embedded --temporary $(BIN)/python -m pytest $(PYTEST_ARGS)

# Cases of bench/cases/ timed on generated data; results into bench/results/latest.json and the table of docs/benchmarks.md.
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) LOG_LEVEL=CRITICAL \
	  $(BIN)/python -m helpdesk.embedded $(BIN)/python -m bench run --tickets $(BENCH_TICKETS) $(BENCH_ARGS)

# Live chat load (bench/load/chat.py): granian for the POSTs, uvicorn for the streams, 500 chats, a message every 5 s each, then idle streams.
CHAT_BENCH_ARGS ?= --chats 500 --interval 5 --duration 60 --idle 1000
bench-chat: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m helpdesk.embedded $(BIN)/python -m bench chat $(CHAT_BENCH_ARGS)

# The live workspace (bench/load/live.py): uvicorn for the streams, 200 agents each with one page open, 1,000 ticket events a minute.
LIVE_BENCH_ARGS ?= --agents 200 --team-size 10 --rate 1000 --duration 60 --idle-seconds 30
bench-live: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m helpdesk.embedded $(BIN)/python -m bench live $(LIVE_BENCH_ARGS)

# Agents at work under load (bench/load/agents.py) beside the live chats: 100 agents list, open, search and reply; 500 chats.
LOAD_BENCH_ARGS ?= --agents 100 --chats 500 --duration 60
bench-load: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m helpdesk.embedded $(BIN)/python -m bench load $(LOAD_BENCH_ARGS)

$(RIVAL_VENV)/.installed: bench/rival/requirements.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required (none found on PATH or under ~/.pyenv)"; exit 1; }
	test -x $(RIVAL_VENV)/bin/python || $(PYTHON) -m venv $(RIVAL_VENV)
	$(RIVAL_VENV)/bin/pip install -q --disable-pip-version-check -r bench/rival/requirements.txt
	touch $@

# django-helpdesk's ticket page (bench/rival/, its own venv) timed as ours on RIVAL_TICKETS tickets; its rows set against ours in the table.
# DATABASE_URL only keeps the embedded PostgreSQL from starting: the embedded Redis holds its sessions, as it holds ours in `make bench`.
bench-rival: install $(RIVAL_VENV)/.installed
	DATABASE_URL=$(RIVAL_DATABASE_URL) RIVAL_DATABASE_URL=$(RIVAL_DATABASE_URL) RIVAL_TICKETS=$(RIVAL_TICKETS) \
	  $(BIN)/python -m helpdesk.embedded $(RIVAL_VENV)/bin/python -P bench/rival/run.py $(RIVAL_ARGS)
	$(BIN)/python -m bench rival

# Shell strings live in locale/; each app keeps its own catalogue in <app>/locale/.
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests --ignore=staticfiles
	for app in tickets sla chat channels customers followups orders kpi approvals knowledge reviews; do test -d $$app/locale && (cd $$app && ../$(BIN)/django-admin makemessages -l zh_Hans -e html,txt,py,js) || true; done
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) $(RIVAL_VENV) .run staticfiles

# The embedded PostgreSQL's data (the demo database included): gone for good.
clean-data:
	rm -rf $${EMBEDDED_DATA_DIR:-.data}
