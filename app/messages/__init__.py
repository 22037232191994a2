"""Messages to customers and the seller: the outbox (`outbox.py`), the notifier that sends
its mails and SMS inside the TUI or as `comptoir worker` (`notifier.py`), their templates' rendering
(`render.py`), the SMTP and Vonage senders (`senders.py`) and the demo's mail capture.

No Textual here. The TUI shell runs it as an asyncio worker of the App, with the config it
was built with and a stop event set when the App closes::

    from app.messages.notifier import Notifier

    class ComptoirApp(App):
        def on_mount(self) -> None:
            self._notifier_stop = asyncio.Event()
            self.notifier = Notifier(self.config)  # owner id: host:pid:random
            self.run_worker(
                self.notifier.run(self._notifier_stop),
                exclusive=True,
                group="notifier",
                exit_on_error=False,  # a failure shows in the footer, never ends the App
            )

        async def on_unmount(self) -> None:
            self._notifier_stop.set()

After a status change the screen may call `self.notifier.wake()` so that a message whose
grace period is zero leaves at once rather than at the next poll (2 s). The notifier's
database work runs in a thread of its own and aiosmtplib is asynchronous, so the screen
never waits for it. `DrainResult` is what `Notifier.drain()` (`comptoir worker --drain`)
returns.
"""
