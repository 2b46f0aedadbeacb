"""The codemods the rules' fixes call: each builds the edits of one kind of rewrite from a
rule's plan (`diagnostics.FixPlan`) and the code around the finding (`fixes.context`)."""
