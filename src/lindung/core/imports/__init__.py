"""The import pipeline shared by every importer (DESIGN.md §8 "Imports")."""
