from paperwire.search.text import phrase_key, tokenize, words


def test_tokenize_folds_accents_lowercases_and_stems():
    assert tokenize("Schrödinger Équations") == ["schroding", "equat"]


def test_tokenize_drops_stop_words_and_punctuation():
    assert tokenize("the networks, of the WORLD!") == ["network", "world"]


def test_phrase_key_keeps_stop_words_in_order():
    assert phrase_key('"State-of-the-Art"') == "state of the art"
    assert words("Émilie du Châtelet") == ["emilie", "du", "chatelet"]
