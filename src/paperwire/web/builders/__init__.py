"""Page data builders: one function per page returning a dict that both the HTML and JSON routes render."""
