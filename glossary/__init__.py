"""Glossary: entries, file formats, the term matcher, lookup and term extraction."""
