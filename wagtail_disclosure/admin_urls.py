"""Admin URLs of wagtail_disclosure, mounted under ``disclosure/`` by wagtail_hooks.py."""

from django.urls import path

from .views import entry_status, imports, record, request_letters, review, workflow

app_name = "wagtail_disclosure"

urlpatterns = [
    *request_letters.urlpatterns,
    *imports.urlpatterns,
    path(
        "entries/<int:page_id>/record/",
        record.ReviewRecordView.as_view(),
        name="review_record",
    ),
    path(
        "entries/<int:page_id>/record.docx",
        record.ReviewRecordDocxView.as_view(),
        name="review_record_docx",
    ),
    path(
        "entries/<int:page_id>/<str:transition>/",
        review.EntryTransitionView.as_view(),
        name="entry_transition",
    ),
    path(
        "workflow/<str:model>/<str:pk>/<str:transition>/",
        workflow.TransitionView.as_view(),
        name="workflow_transition",
    ),
    path("queue/", review.ReviewQueueView.as_view(), name="review_queue"),
    path("mine/", entry_status.MyEntriesView.as_view(), name="my_entries"),
    path(
        "queue/results/",
        review.ReviewQueueView.as_view(results_only=True),
        name="review_queue_results",
    ),
]
