"""The benchmark's floor: a page that draws nothing. What any page costs before it does any work."""
