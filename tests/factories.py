"""Factories for test data; personas from ../shared/PEOPLE.md live in conftest.py."""

import factory
from allauth.account.models import EmailAddress

from coproduction.accounts.models import User
from groups.models import CoproGroup, Membership, Organisation

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    kind = User.Kind.MEMBER

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and self.email:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    kind = User.Kind.STAFF


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.CHARITY


class CoproGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoproGroup

    name = factory.Sequence(lambda n: f"Group {n}")
    member_facing_name = "Tuesday group"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    group = factory.SubFactory(CoproGroupFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.ACTIVE
