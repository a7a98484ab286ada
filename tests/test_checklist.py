from collections import Counter

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from wagtail_disclosure.models import Checklist, ChecklistCategory, ChecklistItem, UpdateRule

pytestmark = pytest.mark.django_db

EXPECTED_SIZES = {1: 6, 2: 8, 3: 7, 4: 5, 5: 9, 6: 4, 7: 3, 8: 4, 9: 2, 10: 2}


def moe():
    return Checklist.objects.get(code="moe-2014")


def test_moe_checklist_has_ten_categories_and_fifty_items():
    checklist = moe()
    assert checklist.is_official
    assert checklist.document_number == "教办函〔2014〕23号"
    assert ChecklistCategory.objects.filter(checklist=checklist).count() == 10
    items = ChecklistItem.objects.for_checklist(checklist)
    assert items.count() == 50
    assert sorted(int(code) for code in items.values_list("code", flat=True)) == list(range(1, 51))
    assert sorted(items.values_list("number", flat=True)) == list(range(1, 51))
    assert all(items.values_list("is_official", flat=True))


def test_category_sizes_and_keys():
    sizes = Counter(
        ChecklistItem.objects.for_checklist(moe()).values_list("category__number", flat=True)
    )
    assert dict(sizes) == EXPECTED_SIZES
    keys = list(ChecklistCategory.objects.filter(checklist=moe()).values_list("key", flat=True))
    assert keys == [
        "basic",
        "admissions",
        "finance",
        "personnel",
        "teaching",
        "students",
        "integrity",
        "degrees",
        "international",
        "other",
    ]


def test_items_keep_their_official_numbering_per_category():
    item = ChecklistItem.objects.get(category__checklist=moe(), code="19")
    assert item.category.title == "财务、资产及收费信息"
    assert item.title == "收支预算总表、收入预算表、支出预算表、财政拨款支出预算表"
    report = ChecklistItem.objects.get(category__checklist=moe(), code="6")
    assert report.update_rule == UpdateRule.YEARLY and report.update_month == 10


def test_official_wording_cannot_be_changed():
    item = ChecklistItem.objects.get(category__checklist=moe(), code="2")
    item.title = "改过的标题"
    with pytest.raises(ValidationError) as exc:
        item.full_clean()
    assert "title" in exc.value.message_dict


def test_local_attributes_of_official_items_can_be_changed():
    item = ChecklistItem.objects.get(category__checklist=moe(), code="47")
    item.not_applicable_reason = "本校没有中外合作办学项目。"
    item.related_regulations = "《中华人民共和国中外合作办学条例》"
    item.full_clean()
    item.save()
    assert not ChecklistItem.objects.get(pk=item.pk).is_applicable


def test_school_items_and_sub_items():
    parent = ChecklistItem.objects.get(category__checklist=moe(), code="1")
    sub = ChecklistItem(
        category=parent.category, parent=parent, number=101, code="1.1", title="办学基本情况"
    )
    sub.full_clean()
    sub.save()
    assert list(parent.sub_items.all()) == [sub]
    assert not sub.is_official
    clash = ChecklistItem(category=parent.category, number=102, code="1.1", title="重复")
    with pytest.raises(ValidationError) as exc:
        clash.full_clean()
    assert "code" in exc.value.message_dict


def test_sub_item_must_share_its_parents_category():
    parent = ChecklistItem.objects.get(category__checklist=moe(), code="1")
    other_category = ChecklistCategory.objects.get(checklist=moe(), number=2)
    sub = ChecklistItem(category=other_category, parent=parent, number=103, code="X1", title="跨类")
    with pytest.raises(ValidationError) as exc:
        sub.full_clean()
    assert "parent" in exc.value.message_dict


def test_a_new_checklist_version_is_plain_data():
    new = Checklist.objects.create(code="moe-2030", title="假想的新版清单")
    category = ChecklistCategory.objects.create(
        checklist=new, number=1, key="basic", title="基本信息"
    )
    ChecklistItem.objects.create(category=category, number=1, code="1", title="办学基本情况")
    assert ChecklistItem.objects.for_checklist(new).count() == 1
    assert ChecklistItem.objects.for_checklist(moe()).count() == 50


# -- admin screens -----------------------------------------------------------------


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw")
    group = Group.objects.create(name="Checklist test editors")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    return user


def test_editors_cannot_change_or_extend_the_checklist(client, editor):
    client.force_login(editor)
    item = ChecklistItem.objects.get(category__checklist=moe(), code="2")
    assert client.get(reverse("disclosure_checklist_items:add")).status_code == 302
    response = client.post(
        reverse("disclosure_checklist_items:edit", args=[item.pk]),
        {"title": "x"},
    )
    assert response.status_code == 302
    assert response["Location"] != reverse("disclosure_checklist_items:index")
    item.refresh_from_db()
    assert item.title == "学校章程及制定的各项规章制度"


def test_administrator_adds_a_school_item_through_the_admin(admin_client):
    category = ChecklistCategory.objects.get(checklist=moe(), number=1)
    response = admin_client.post(
        reverse("disclosure_checklist_items:add"),
        {
            "category": category.pk,
            "number": 51,
            "code": "S-01",
            "title": "校园开放日安排",
            "update_rule": "as_needed",
            "update_within_working_days": 20,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ChecklistItem.objects.filter(code="S-01", is_official=False).exists()


def test_admin_edit_form_keeps_official_wording_read_only(admin_client):
    item = ChecklistItem.objects.get(category__checklist=moe(), code="2")
    url = reverse("disclosure_checklist_items:edit", args=[item.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.fields["title"].disabled and form.fields["code"].disabled
    assert not form.fields["not_applicable_reason"].disabled
    data = {
        "category": item.category_id,
        "number": 99,
        "code": "99",
        "title": "篡改",
        "update_rule": "on_change",
        "update_within_working_days": 20,
        "not_applicable_reason": "",
        "related_regulations": "《高等学校信息公开办法》",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.code, item.number, item.title) == ("2", 2, "学校章程及制定的各项规章制度")
    assert item.related_regulations == "《高等学校信息公开办法》"


def test_school_items_can_be_deleted_but_official_ones_cannot(admin_client):
    category = ChecklistCategory.objects.get(checklist=moe(), number=1)
    own = ChecklistItem.objects.create(category=category, number=60, code="S-9", title="自设")
    response = admin_client.post(reverse("disclosure_checklist_items:delete", args=[own.pk]))
    assert response.status_code == 302
    assert not ChecklistItem.objects.filter(pk=own.pk).exists()

    item = ChecklistItem.objects.get(category__checklist=moe(), code="2")
    response = admin_client.post(reverse("disclosure_checklist_items:delete", args=[item.pk]))
    # Wagtail answers a denied admin action with a redirect to the dashboard.
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert ChecklistItem.objects.filter(pk=item.pk).exists()


def test_official_checklist_and_categories_are_locked_but_sign_off_rule_is_editable(admin_client):
    category = ChecklistCategory.objects.get(checklist=moe(), number=3)
    url = reverse("disclosure_checklist_categories:edit", args=[category.pk])
    response = admin_client.post(
        url,
        {"checklist": category.checklist_id, "number": 9, "key": "money", "title": "改名",
         "requires_sign_off": "on"},
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.number, category.key, category.title) == (3, "finance", "财务、资产及收费信息")
    assert category.requires_sign_off
    checklist = moe()
    response = admin_client.post(
        reverse("disclosure_checklists:edit", args=[checklist.pk]),
        {"code": "x", "title": "改名", "document_number": "", "issued_by": "", "issued_on": "",
         "description": ""},
    )
    assert response.status_code == 302
    checklist.refresh_from_db()
    assert (checklist.code, checklist.title) == ("moe-2014", "高等学校信息公开事项清单")
