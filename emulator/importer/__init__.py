"""Import game content from an operator's copy of the original Meridian 59 sources.

The importer reads the operator's files at run time and writes a data folder; nothing
from the original game is stored in this repository.
"""
