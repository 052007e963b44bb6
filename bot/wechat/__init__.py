"""WeChat Official Account channel (公众号消息接口) at /wechat: see bot/api/routes/wechat.py."""
