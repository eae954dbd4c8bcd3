"""What-if experiments: measure the catalog, change one thing, measure again, put it back."""
