-- diff/main.lua: `dossier diff --format html`: one standalone page of what
-- changed from OLD to NEW, from model.changes (computed once in C,
-- model/changes.c). A dossier overrides it with its own templates/diff/.
write("diff.html", render("diff/page.html"))
