//! `webhooks`: one row per webhook or service hook.

table! {
    /// Webhook on an org or repository (never the secret, only whether there is one).
    webhooks => WebhookRow, keys [project, repo] {
        /// `org` or `repo`.
        scope: text() => Option<String>,
        /// Hook id.
        hook_id: text() => Option<String>,
        /// Host of the delivery URL (the path may carry tokens and is not stored).
        url_host: text() => Option<String>,
        /// URL scheme: `https` or `http`.
        url_scheme: text() => Option<String>,
        /// Active.
        active: boolean() => Option<bool>,
        /// Events delivered.
        events: text_list() => Option<Vec<String>>,
        /// TLS certificate verification is disabled.
        insecure_ssl: boolean() => Option<bool>,
        /// A signing secret is configured.
        has_secret: boolean() => Option<bool>,
        /// `json` or `form`.
        content_type: text() => Option<String>,
    }
}
