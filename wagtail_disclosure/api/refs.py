"""Short references to related objects, the same in the disclosure API and Wagtail's v2 API."""


def department_ref(department):
    if department is None:
        return None
    return {"id": department.pk, "short_code": department.short_code, "name": department.name}


def category_ref(category):
    return {
        "id": category.pk,
        "key": category.key,
        "number": category.number,
        "code": category.code,
        "title": category.title,
    }
