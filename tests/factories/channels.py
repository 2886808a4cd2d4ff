import factory


class MailboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "channels.Mailbox"

    name = factory.Sequence(lambda n: f"客服邮箱{n}")
    address = factory.Sequence(lambda n: f"service{n}@shop.example.com")
