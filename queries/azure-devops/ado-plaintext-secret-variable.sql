-- id: ado-plaintext-secret-variable
-- title: Credential stored in a non-secret variable
-- severity: high
-- platforms: azure_devops, github
-- description: A variable whose name or value looks like a credential is stored in plain text, visible to everyone who can read the variable group, pipeline or repository settings and printed in logs.
-- remediation: Move the value to a secret variable (or Key Vault / Actions secret), rotate the credential, and delete the plain variable.
-- tactics: credential-access
-- references: CIS SSCS 2.3.3; Azure DevOps docs "Set secret variables"
WITH v AS (
    SELECT *,
        regexp_like(name, '(password|passwd|pwd|secret|token|api[_.-]?key|access[_.-]?key|private[_.-]?key|connection[_.-]?string|credential|sas[_.-]?key)', 'i') AS name_hit,
        regexp_like(coalesce(value, ''), '(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|AKIA[0-9A-Z]{16}|xox[abprs]-[A-Za-z0-9-]{10,}|-----BEGIN [A-Z ]*PRIVATE KEY|AccountKey=[A-Za-z0-9+/=]{20,}|SharedAccessSignature|eyJ[A-Za-z0-9_-]{10,}\.eyJ)') AS value_hit,
        coalesce(value, '') = '' OR regexp_like(value, '^\s*(\$\(|\$\{\{|\$\[)') OR lower(value) IN ('true', 'false', 'none', 'null', '***') AS value_blank
    FROM variables
    WHERE platform IN ('azure_devops', 'github')
)
SELECT
    'variable' AS resource_type,
    concat_ws('/', org, project, repo) || ':' || coalesce(scope, '') || ':' || coalesce(container || '/', '') || name AS resource,
    CASE
        WHEN value_hit THEN 'value looks like a credential'
        WHEN name_hit AND NOT value_blank THEN 'credential-like name with a plain-text value'
        ELSE 'no credential-like name or value'
    END AS reason,
    CASE
        WHEN value_hit OR (name_hit AND NOT value_blank) THEN 'fail'
        ELSE 'pass'
    END AS status,
    platform, host, org, project, repo
FROM v
