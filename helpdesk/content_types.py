"""Content types of models that move to another app: same rows, new app label, every permission grant kept."""


def content_types_move(apps, *, models: list[str], from_label: str, to_label: str, using: str) -> None:
    """Relabel the content types of ``models`` (lower-case names) from one app to another (for data migrations).

    Runs in the migration that gives the models to their new app, before ``post_migrate`` would create
    fresh content types and permissions under the new label: the existing rows keep their ids, so every
    permission, group and user grant and admin log entry stays attached. Rows already created under the
    new label (by a partial ``migrate``) hand their grants over to the old rows and are deleted.
    """
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    content_types = apps.get_model("contenttypes", "ContentType").objects.db_manager(using)
    permissions = apps.get_model("auth", "Permission").objects.db_manager(using)
    for model in models:
        old = content_types.filter(app_label=from_label, model=model).first()
        if old is None:
            continue  # a new database: post_migrate creates it under the new label
        new = content_types.filter(app_label=to_label, model=model).first()
        if new is not None:
            for permission in permissions.filter(content_type=new):
                kept = permissions.filter(content_type=old, codename=permission.codename).first()
                if kept is None:
                    permission.content_type = old
                    permission.save(update_fields=["content_type"])
                    continue
                kept.group_set.add(*permission.group_set.all())
                kept.user_set.add(*permission.user_set.all())
                permission.delete()
            new.delete()
        old.app_label = to_label
        old.save(update_fields=["app_label"])
    content_types.clear_cache()
    CurrentContentType.objects.clear_cache()
