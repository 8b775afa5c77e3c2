from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context, panel):
    """Render one home panel with the page's context plus the panel's own (like {% include %})."""
    tpl = context.template.engine.get_template(panel["template_name"])
    with context.push(**panel["context"]):
        return tpl.render(context)
