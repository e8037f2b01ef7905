from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from participants.models import FamilyLink, Payer, Person


class FamilyLinkInline(admin.TabularInline):
    model = FamilyLink
    fk_name = "person"
    raw_id_fields = ["relative"]
    extra = 0


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["iin", "surname", "first_name", "birth_date", "sex", "region", "death_date"]
    list_filter = ["sex", "region"]
    search_fields = ["=iin", "surname", "first_name"]
    list_select_related = ["region"]
    show_full_result_count = False
    inlines = [FamilyLinkInline]

    def get_queryset(self, request):
        from participants.selectors import person_list_for_user

        return person_list_for_user(user=request.user)


@admin.register(Payer)
class PayerAdmin(SimpleHistoryAdmin):
    list_display = ["idn", "name", "kind", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["=idn", "name"]
    list_select_related = ["region"]
    show_full_result_count = False
