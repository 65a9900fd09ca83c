"""Quality assurance of translations: checks (``check``), scores (``score``), the HTML report.

``tm.qa.check.Checker`` runs the checks, ``tm.qa.score.score`` the metrics,
``tm.qa.html.render_html`` turns a check report into one HTML page; the
``correct`` command's modules (``correct``, ``garbled``) live here too.
"""
