"""Benchmarks of the helpdesk: data generators, timed cases per domain, load clients and the results table.

Not part of the product and not in the Docker image. Run as ``python -m bench COMMAND`` (see ``__main__``).
"""
