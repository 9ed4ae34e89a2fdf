"""Readers: turn an input file into RawArticle objects. Readers never clean and never write."""
