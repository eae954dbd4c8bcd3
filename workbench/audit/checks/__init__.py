"""Python checks, one module each; the module name is the check's id."""
