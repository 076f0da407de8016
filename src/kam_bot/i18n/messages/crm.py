"""CRM sync: what admins are told when it stops."""

MESSAGES = {
    "crm.stopped": {
        "en": (
            "CRM sync with {crm} has stopped: it refused kam-bot's credentials ({reason}). "
            "Nothing is lost: visits and promises wait in the queue and go out once the "
            "credentials work again. Ask whoever runs kam-bot to check its {crm} settings "
            "(`kam-bot crm status` shows the state)."
        ),
        "zh-Hans": (
            "与 {crm} 的 CRM 同步已停止：对方拒绝了 kam-bot 的凭据（{reason}）。"
            "数据不会丢失：拜访和承诺在队列中等待，凭据恢复后会自动发送。"
            "请联系 kam-bot 的管理员检查 {crm} 的设置（`kam-bot crm status` 可查看状态）。"
        ),
    },
}
