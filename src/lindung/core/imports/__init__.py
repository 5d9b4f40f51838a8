"""The import pipeline shared by every importer (docs/ARCHITECTURE.md "Import pipeline")."""
