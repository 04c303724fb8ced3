"""What a stay is and may be: reservation views, stay rules, the rooms a stay holds."""
