"""The marketplace's writes: listings (`listings`), buying (`orders`), ratings (`ratings`)."""
