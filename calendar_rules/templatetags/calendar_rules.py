from django import template

register = template.Library()

SHORT_CATEGORY_LABELS = {
    "shabbat": "Shabbat",
    "yom_tov": "Yom tov",
    "chol_hamoed": "Chol HaMoed",
    "erev": "Erev",
    "minor": "Minor festival",
    "fast": "Fast",
    "rosh_chodesh": "Rosh Chodesh",
    "modern": "Modern",
}


@register.filter
def category_label(category: str) -> str:
    """The short label of an observance category, for its badge."""
    return SHORT_CATEGORY_LABELS.get(category, category.replace("_", " ").capitalize())
