"""Reading documents, sentence splitting, language identification and normalisation."""
