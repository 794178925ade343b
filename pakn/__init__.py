"""pakn: receiving and handling citizens' reports and petitions (phản ánh, kiến nghị)."""
