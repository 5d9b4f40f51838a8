"""Registration pages, one module per side (public, employer, branch)."""
