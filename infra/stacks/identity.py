"""The OIDC issuer in AWS (DESIGN.md section 2): a Cognito user pool and the API's app client.

Claims the API reads come from the pool's custom attributes, which appear in **ID tokens** as
``custom:roles`` (comma-separated role names), ``custom:tenant`` (school id) and ``custom:district``.
Only administrators set them (AdminCreateUser / AdminUpdateUserAttributes): the app client may read
but never write them, so a user cannot grant themselves a role or move to another tenant.

Sign-in: a username (an opaque user id chosen by the platform) plus the aliases email and phone
number, both verified. Staff sign in with email; guardians will sign in with their phone number.
Alias settings and custom attributes cannot be changed after the pool exists, so they are all
declared now even though the phone sign-in UI comes later.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from constructs import Construct

API_CLIENT_NAME = "kehou-api"
CUSTOM_ATTRIBUTES = ("roles", "tenant", "district")


class Identity(Construct):
    """User pool ``kehou-<stage>`` and app client ``kehou-api``."""

    def __init__(self, scope: Construct, construct_id: str, *, stage: str) -> None:
        super().__init__(scope, construct_id)

        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name=f"kehou-{stage}",
            self_sign_up_enabled=False,  # schools invite staff and guardians; nobody signs up
            sign_in_aliases=cognito.SignInAliases(username=True, email=True, phone=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True, phone=True),
            # An unverified new email/phone must not replace the verified one used to sign in.
            keep_original=cognito.KeepOriginalAttrs(email=True, phone=True),
            sign_in_case_sensitive=False,
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=False, mutable=True),
                phone_number=cognito.StandardAttribute(required=False, mutable=True),
                fullname=cognito.StandardAttribute(required=False, mutable=True),
                locale=cognito.StandardAttribute(required=False, mutable=True),
            ),
            custom_attributes={
                "roles": cognito.StringAttribute(min_len=1, max_len=256, mutable=True),
                "tenant": cognito.StringAttribute(min_len=1, max_len=64, mutable=True),
                "district": cognito.StringAttribute(min_len=1, max_len=64, mutable=True),
            },
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=False,
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(sms=True, otp=True),
            account_recovery=cognito.AccountRecovery.EMAIL_AND_PHONE_WITHOUT_MFA,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )

        self.api_client = self.user_pool.add_client(
            "ApiClient",
            user_pool_client_name=API_CLIENT_NAME,
            generate_secret=False,  # public clients (browser portal, console)
            auth_flows=cognito.AuthFlow(user_srp=True),
            disable_o_auth=True,  # no hosted UI yet; CDK's default would allow example.com callbacks
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            id_token_validity=Duration.minutes(60),
            access_token_validity=Duration.minutes(60),
            refresh_token_validity=Duration.days(30),
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(
                email=True,
                email_verified=True,
                phone_number=True,
                phone_number_verified=True,
                fullname=True,
                locale=True,
            )
            .with_custom_attributes(*CUSTOM_ATTRIBUTES),
            write_attributes=cognito.ClientAttributes().with_standard_attributes(
                email=True, phone_number=True, fullname=True, locale=True
            ),
        )

    @property
    def issuer(self) -> str:
        """``https://cognito-idp.<region>.<url suffix>/<pool id>``, the ``iss`` of every token."""
        return f"https://{self.user_pool.user_pool_provider_url}"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/.well-known/jwks.json"
