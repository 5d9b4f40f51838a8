"""Forms of the registration pages, one module per side (public, employer, branch)."""
