"""Sync with feed servers (Fever, Google Reader API): accounts, clients, the local-first engine.

Core code: no Textual or Rich here.
"""
