"""The member portal's consent pages, by area: "More" (`front`), her choices and their
history (`answers`), the things she said (`contributions`), what others can see about
her and who looked (`seen`), and her data (`data`). (Her home lives in sessions_app, the
top app, because it asks about her answers and her check-ins.)

Every page is for members only (staff get 403) and reaches her things through her:
`request.user.contributions`, `request.user.data_exports`, `request.user.erasure_requests`,
so another member's id is a 404. Writes go through `consent.services`; a refusal from a
service is shown on the form or as a message, never as an error page. What others see is
decided by `consent.policy` alone, here as everywhere.
"""
