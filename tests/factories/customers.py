import factory

from customers.contacts import email_normalize, phone_normalize
from customers.models import Customer, CustomerAddress, CustomerContact
from customers.services import customer_tags_sync


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"顾客{n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    city = "上海"

    @factory.post_generation
    def contacts(self, create, extracted, **kwargs):
        """Give the primary phone and e-mail their contact rows, as the services do."""
        if not create:
            return
        if self.phone:
            CustomerContact.objects.create(customer=self, kind="phone", value=self.phone,
                                           normalized=phone_normalize(self.phone), is_primary=True)
        if self.email:
            CustomerContact.objects.create(customer=self, kind="email", value=self.email,
                                           normalized=email_normalize(self.email), is_primary=True)

    @factory.post_generation
    def tag_rows(self, create, extracted, **kwargs):
        """Give the tags their rows, as the services do."""
        if create and self.tags:
            customer_tags_sync(customer_ids=[self.pk])


class CustomerAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerAddress

    customer = factory.SubFactory(CustomerFactory)
    address = "上海市浦东新区世纪大道100号"
    is_default = True
