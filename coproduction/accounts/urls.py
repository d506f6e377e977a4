from django.urls import path

from coproduction.accounts import views

app_name = "accounts"

urlpatterns = [
    path("new-password/<str:token>/", views.new_password, name="new_password"),
]
