"""Wagtail's own strings that our users meet untranslated in zh-hans, marked here so that
the package's catalogue can translate them.

Wagtail's Simplified Chinese catalogue (maintained on Transifex) leaves these msgids
without a translation, so the admin shows English on the screens disclosure staff work in:
"232 Pages created in …" on the dashboard, "Locking:" and "Anyone can edit this 页面" in
the page editor's status panel, "Referenced 0 times", the keyboard-shortcut dialog and
the page editor's checks. Django merges the catalogues of every installed app, so a msgid
that ``wagtail_disclosure/locale/zh_Hans`` translates is shown in Chinese on Wagtail's
screens too.

``makemessages --no-obsolete`` keeps only msgids found in the package's source, so each
Wagtail msgid we translate is written out here exactly as Wagtail writes it (with its
plural form); the markers do nothing at run time. The list is what
``tests/test_admin_screens_zh.py`` finds on the package's screens under Wagtail 7.4 and
8.0; a msgid Wagtail renames simply stops matching (and the test shows the new one).
Where Wagtail does translate a msgid, Wagtail's translation wins unless
``wagtail_disclosure`` comes before the Wagtail apps in ``INSTALLED_APPS``
(docs/translations.md, "Wagtail's own strings").
"""

from django.utils.translation import gettext_noop, ngettext_lazy

#: Wagtail msgids without a plural form.
MESSAGES = (
    gettext_noop("%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s"),
    gettext_noop("%(time)s by %(user_display_name)s"),
    gettext_noop(
        "A heading that identifies the overall topic of the table, and is useful for screen reader users."
    ),
    gettext_noop("A network error occurred"),
    gettext_noop("account"),
    gettext_noop("Actions (footer)"),
    gettext_noop("Add a concise description for search engines"),
    gettext_noop("Add or show comments"),
    gettext_noop("Any"),
    gettext_noop("Anyone can edit this %(model_name)s"),
    gettext_noop("Anyone can edit this %(model_name)s – lock it to prevent others from editing"),
    gettext_noop("Anyone with editing permissions can create schedules"),
    gettext_noop("Application"),
    gettext_noop("Autosave is <span>paused</span>"),
    gettext_noop("Autosave is paused"),
    gettext_noop("Avoid skipping levels"),
    gettext_noop("But only those with publishing permissions can make them effective."),
    gettext_noop("Button text is empty"),
    gettext_noop("Checks"),
    gettext_noop("Choose when this %(model_name)s should go live and/or expire"),
    gettext_noop("Choose when this page should go live and/or expire"),
    gettext_noop("Choose who can view the live version of this page"),
    gettext_noop("Close modal dialogs (like this one)"),
    gettext_noop("Content metrics"),
    gettext_noop("Correct the validation errors to resume preview (saving will highlight errors)"),
    gettext_noop("Cut"),
    gettext_noop("Date updated"),
    gettext_noop("Display the first column as a header"),
    gettext_noop("Display the first row AND first column as headers"),
    gettext_noop("Display the first row as a header"),
    gettext_noop("Edit account avatar"),
    gettext_noop("Edited by"),
    gettext_noop("Empty frame title found"),
    gettext_noop("Empty heading found"),
    gettext_noop("Exploring"),
    gettext_noop("Go to the first error"),
    gettext_noop("Has child pages"),
    gettext_noop("How we calculate our metrics"),
    gettext_noop("Image alt text has inappropriate pattern"),
    gettext_noop("Incorrect heading hierarchy"),
    gettext_noop("Input button text is empty"),
    gettext_noop("Insert or edit a link"),
    gettext_noop("Is commenting action"),
    gettext_noop("item"),
    gettext_noop("items"),
    gettext_noop(
        'JavaScript is required to use Wagtail, but it is currently disabled.<br /> Here are the <a href="https://www.enable-javascript.com/" target="_blank" rel="noreferrer">instructions how to enable JavaScript in your web browser</a>.'
    ),
    gettext_noop(
        "Keyboard shortcuts are currently enabled; manage your %(account_link)s to disable them."
    ),
    gettext_noop("Link text is empty"),
    gettext_noop("Locking: "),
    gettext_noop("Meta description is empty"),
    gettext_noop("Misusing paragraphs as headings"),
    gettext_noop("Monospace (code)"),
    gettext_noop("New: %(model_name)s"),
    gettext_noop("No headers"),
    gettext_noop("One or more references to this %(model_name)s prevent it from being deleted."),
    gettext_noop("Page type"),
    gettext_noop("Page types usage"),
    gettext_noop("Paste"),
    gettext_noop("Paste without formatting"),
    gettext_noop("Read the release notes."),
    gettext_noop("Readability"),
    gettext_noop("Reading time"),
    gettext_noop("Save changes"),
    gettext_noop("Save your changes before leaving"),
    gettext_noop("Saved"),
    gettext_noop("Search all pages…"),
    gettext_noop("Section"),
    gettext_noop(
        'See our <a href="%(guide_link)s" target="_blank">content checks guide</a> for more information on how content metrics are calculated.'
    ),
    gettext_noop("Select a header option"),
    gettext_noop("Shortcuts"),
    gettext_noop("Show issue"),
    gettext_noop("Show keyboard shortcuts"),
    gettext_noop("Sort by '%(label)s' in ascending order."),
    gettext_noop("Sort by '%(label)s' in descending order."),
    gettext_noop("Strike-through"),
    gettext_noop("Table header text is empty"),
    gettext_noop("Table headers"),
    gettext_noop("Text editing"),
    gettext_noop("Text formatting"),
    gettext_noop("This data explained"),
    gettext_noop(
        'This publishing schedule will only take effect after you select the "Schedule to publish" option'
    ),
    gettext_noop("To be created by %(user)s"),
    gettext_noop("Toggle checks"),
    gettext_noop("Toggle minimap"),
    gettext_noop(
        "Troubleshoot your connection to the site before proceeding. Open the editor in a separate tab to view the last saved version."
    ),
    gettext_noop("Use a meaningful title for screen reader users"),
    gettext_noop("Use meaningful text"),
    gettext_noop("Use meaningful text for screen reader users"),
    gettext_noop("Use proper heading tags"),
    gettext_noop("View latest version"),
    gettext_noop("Wagtail %(current_version)s editor guide"),
    gettext_noop("Wagtail upgrade available"),
    gettext_noop(
        "We calculate reading time from word count, using different reading speeds for different languages."
    ),
    gettext_noop(
        "We extract the main content from the page preview, remove all formatting, and calculate the number of words."
    ),
    gettext_noop(
        "We use a readability formula based on length of words and sentences. Long sentences and words result in a worse readability score."
    ),
    gettext_noop("Which cells should be displayed as headers?"),
    gettext_noop("Words"),
    gettext_noop(
        'Your version: <strong>%(current_version)s</strong>. New version: <strong data-w-upgrade-target="latestVersion"></strong>.'
    ),
)

#: Wagtail msgids with a plural form: (singular, plural).
PLURAL_MESSAGES = (
    ngettext_lazy(
        '%(total)s Document <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Documents <span class="w-sr-only">created in %(site_name)s</span>',
    ),
    ngettext_lazy(
        '%(total)s Image <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Images <span class="w-sr-only">created in %(site_name)s</span>',
    ),
    ngettext_lazy(
        '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>',
    ),
    ngettext_lazy("Referenced %(count)s time", "Referenced %(count)s times"),
    ngettext_lazy(
        "This %(model_name)s is referenced %(usage_count)s time.",
        "This %(model_name)s is referenced %(usage_count)s times.",
    ),
)
