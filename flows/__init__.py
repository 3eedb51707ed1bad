"""Pipeline that turns Chinese local rule-of-law plans into validated, versioned tables."""
