"""Azad Press: English articles to reviewed Dari and Pashto editions."""

__version__ = "0.1.0"
