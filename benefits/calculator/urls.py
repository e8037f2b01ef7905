from django.urls import path

from benefits.calculator.views import calculator

urlpatterns = [path("", calculator, name="benefit-calculator")]
