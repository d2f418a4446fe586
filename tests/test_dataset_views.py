"""What the Datasets tab draws: the label chart names the column the learner chose."""

import pandas as pd

from ui.datasets.views import labels_figure


def test_label_chart_axis_names_the_chosen_column():
    counts = pd.DataFrame({"label": ["books", "dvd"], "count": [3, 4]})
    assert labels_figure(counts, column="domain").layout.xaxis.title.text == "domain"
    assert labels_figure(counts, column="label").layout.xaxis.title.text != "domain"
