"""Gunicorn's settings for the web process: Django's WSGI application on a pool of threads (docs/runtime.md).

``gunicorn -c python:helpdesk.gunicorn_conf``; the event streams are the streams process's (uvicorn).
"""

import os

wsgi_app = "helpdesk.wsgi:application"
bind = [os.environ.get("WEB_BIND", "0.0.0.0:8000")]
worker_class = "gthread"
workers = int(os.environ.get("WEB_PROCESSES", "2"))
threads = int(os.environ.get("WEB_THREADS", "12"))
keepalive = 30  # seconds an idle keep-alive connection (a chat widget between messages) stays open
graceful_timeout = 20
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
control_socket_disable = True  # nothing uses gunicorn's control socket; one fixed path would collide between servers
