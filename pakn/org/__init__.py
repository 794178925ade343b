"""Organisation: areas, agencies, categories and staff accounts."""
