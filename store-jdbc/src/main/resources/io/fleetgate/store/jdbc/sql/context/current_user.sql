-- The role a connection acts as.
SELECT current_user
