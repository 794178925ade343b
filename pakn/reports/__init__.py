"""Reports, their timeline and the workflow of Article 7."""
