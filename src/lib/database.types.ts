export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      answer_tokens: {
        Row: {
          created_at: string
          expires_at: string
          notice_recipient_id: string | null
          registration_id: string | null
          token_hash: string
          used_at: string | null
        }
        Insert: {
          created_at?: string
          expires_at: string
          notice_recipient_id?: string | null
          registration_id?: string | null
          token_hash: string
          used_at?: string | null
        }
        Update: {
          created_at?: string
          expires_at?: string
          notice_recipient_id?: string | null
          registration_id?: string | null
          token_hash?: string
          used_at?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "answer_tokens_notice_recipient_id_fkey"
            columns: ["notice_recipient_id"]
            isOneToOne: false
            referencedRelation: "notice_recipients"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "answer_tokens_registration_id_fkey"
            columns: ["registration_id"]
            isOneToOne: false
            referencedRelation: "registrations"
            referencedColumns: ["id"]
          },
        ]
      }
      appointment_details: {
        Row: {
          appointment_id: string
          contact: Database["public"]["Enums"]["contact_preference"]
          member_id: string | null
          note: string
          subject: Database["public"]["Enums"]["counselling_subject"]
          topic: Database["public"]["Enums"]["counselling_topic"]
        }
        Insert: {
          appointment_id: string
          contact?: Database["public"]["Enums"]["contact_preference"]
          member_id?: string | null
          note?: string
          subject: Database["public"]["Enums"]["counselling_subject"]
          topic: Database["public"]["Enums"]["counselling_topic"]
        }
        Update: {
          appointment_id?: string
          contact?: Database["public"]["Enums"]["contact_preference"]
          member_id?: string | null
          note?: string
          subject?: Database["public"]["Enums"]["counselling_subject"]
          topic?: Database["public"]["Enums"]["counselling_topic"]
        }
        Relationships: [
          {
            foreignKeyName: "appointment_details_appointment_id_fkey"
            columns: ["appointment_id"]
            isOneToOne: true
            referencedRelation: "appointments"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "appointment_details_member_id_fkey"
            columns: ["member_id"]
            isOneToOne: false
            referencedRelation: "family_members"
            referencedColumns: ["id"]
          },
        ]
      }
      appointments: {
        Row: {
          buffer_minutes: number
          cancelled_at: string | null
          cancelled_by: string | null
          cancelled_late: boolean
          counsellor_id: string
          created_at: string
          decided_at: string | null
          ends_at: string
          family_id: string
          id: string
          mode: Database["public"]["Enums"]["appointment_mode"]
          occupied: unknown
          org_id: string
          sequence: number
          starts_at: string
          status: Database["public"]["Enums"]["appointment_status"]
          updated_at: string
          venue_booking_id: string | null
        }
        Insert: {
          buffer_minutes?: number
          cancelled_at?: string | null
          cancelled_by?: string | null
          cancelled_late?: boolean
          counsellor_id: string
          created_at?: string
          decided_at?: string | null
          ends_at: string
          family_id: string
          id?: string
          mode: Database["public"]["Enums"]["appointment_mode"]
          occupied?: never
          org_id: string
          sequence?: number
          starts_at: string
          status: Database["public"]["Enums"]["appointment_status"]
          updated_at?: string
          venue_booking_id?: string | null
        }
        Update: {
          buffer_minutes?: number
          cancelled_at?: string | null
          cancelled_by?: string | null
          cancelled_late?: boolean
          counsellor_id?: string
          created_at?: string
          decided_at?: string | null
          ends_at?: string
          family_id?: string
          id?: string
          mode?: Database["public"]["Enums"]["appointment_mode"]
          occupied?: never
          org_id?: string
          sequence?: number
          starts_at?: string
          status?: Database["public"]["Enums"]["appointment_status"]
          updated_at?: string
          venue_booking_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "appointments_counsellor_id_fkey"
            columns: ["counsellor_id"]
            isOneToOne: false
            referencedRelation: "counsellors"
            referencedColumns: ["user_id"]
          },
          {
            foreignKeyName: "appointments_family_id_fkey"
            columns: ["family_id"]
            isOneToOne: false
            referencedRelation: "families"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "appointments_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organisations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "appointments_venue_booking_id_fkey"
            columns: ["venue_booking_id"]
            isOneToOne: false
            referencedRelation: "venue_bookings"
            referencedColumns: ["id"]
          },
        ]
      }
      care_contacts: {
        Row: {
          contact_on: string
          created_at: string
          created_by: string | null
          id: string
          kind: Database["public"]["Enums"]["care_contact_kind"]
          note: string
          referral_id: string
        }
        Insert: {
          contact_on: string
          created_at?: string
          created_by?: string | null
          id?: string
          kind: Database["public"]["Enums"]["care_contact_kind"]
          note?: string
          referral_id: string
        }
        Update: {
          contact_on?: string
          created_at?: string
          created_by?: string | null
          id?: string
          kind?: Database["public"]["Enums"]["care_contact_kind"]
          note?: string
          referral_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "care_contacts_referral_id_fkey"
            columns: ["referral_id"]
            isOneToOne: false
            referencedRelation: "referrals"
            referencedColumns: ["id"]
          },
        ]
      }
      consents: {
        Row: {
          agreed_at: string
          family_id: string
          given_at_door: boolean
          id: string
          kind: string
          user_id: string
          version: string
        }
        Insert: {
          agreed_at?: string
          family_id: string
          given_at_door?: boolean
          id?: string
          kind?: string
          user_id: string
          version: string
        }
        Update: {
          agreed_at?: string
          family_id?: string
          given_at_door?: boolean
          id?: string
          kind?: string
          user_id?: string
          version?: string
        }
        Relationships: [
          {
            foreignKeyName: "consents_family_id_fkey"
            columns: ["family_id"]
            isOneToOne: false
            referencedRelation: "families"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "consents_version_fkey"
            columns: ["version"]
            isOneToOne: false
            referencedRelation: "privacy_texts"
            referencedColumns: ["version"]
          },
        ]
      }
      counselling_centres: {
        Row: {
          cancel_cutoff_hours: number
          crisis_hotline: string
          hotline_hours_en: string
          hotline_hours_zh: string
          org_id: string
          updated_at: string
        }
        Insert: {
          cancel_cutoff_hours?: number
          crisis_hotline: string
          hotline_hours_en?: string
          hotline_hours_zh?: string
          org_id: string
          updated_at?: string
        }
        Update: {
          cancel_cutoff_hours?: number
          crisis_hotline?: string
          hotline_hours_en?: string
          hotline_hours_zh?: string
          org_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "counselling_centres_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: true
            referencedRelation: "organisations"
            referencedColumns: ["id"]
          },
        ]
      }
      counsellor_exceptions: {
        Row: {
          counsellor_id: string
          created_at: string
          ends_at: string | null
          id: string
          kind: string
          on_date: string
          starts_at: string | null
        }
        Insert: {
          counsellor_id: string
          created_at?: string
          ends_at?: string | null
          id?: string
          kind: string
          on_date: string
          starts_at?: string | null
        }
        Update: {
          counsellor_id?: string
          created_at?: string
          ends_at?: string | null
          id?: string
          kind?: string
          on_date?: string
          starts_at?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "counsellor_exceptions_counsellor_id_fkey"
            columns: ["counsellor_id"]
            isOneToOne: false
            referencedRelation: "counsellors"
            referencedColumns: ["user_id"]
          },
        ]
      }
      counsellor_hours: {
        Row: {
          counsellor_id: string
          ends_at: string
          id: string
          starts_at: string
          weekday: number
        }
        Insert: {
          counsellor_id: string
          ends_at: string
          id?: string
          starts_at: string
          weekday: number
        }
        Update: {
          counsellor_id?: string
          ends_at?: string
          id?: string
          starts_at?: string
          weekday?: number
        }
        Relationships: [
          {
            foreignKeyName: "counsellor_hours_counsellor_id_fkey"
            columns: ["counsellor_id"]
            isOneToOne: false
            referencedRelation: "counsellors"
            referencedColumns: ["user_id"]
          },
        ]
      }
      counsellors: {
        Row: {
          active: boolean
          buffer_minutes: number
          created_at: string
          daily_max: number
          display_name_en: string
          display_name_zh: string
          horizon_days: number
          intro_en: string
          intro_zh: string
          locale: Database["public"]["Enums"]["app_locale"]
          min_notice_minutes: number
          modes: Database["public"]["Enums"]["appointment_mode"][]
          org_id: string
          requires_acceptance: boolean
          session_minutes: number
          updated_at: string
          user_id: string
          venue_id: string | null
        }
        Insert: {
          active?: boolean
          buffer_minutes?: number
          created_at?: string
          daily_max?: number
          display_name_en?: string
          display_name_zh: string
          horizon_days?: number
          intro_en?: string
          intro_zh?: string
          locale?: Database["public"]["Enums"]["app_locale"]
          min_notice_minutes?: number
          modes?: Database["public"]["Enums"]["appointment_mode"][]
          org_id: string
          requires_acceptance?: boolean
          session_minutes?: number
          updated_at?: string
          user_id: string
          venue_id?: string | null
        }
        Update: {
          active?: boolean
          buffer_minutes?: number
          created_at?: string
          daily_max?: number
          display_name_en?: string
          display_name_zh?: string
          horizon_days?: number
          intro_en?: string
          intro_zh?: string
          locale?: Database["public"]["Enums"]["app_locale"]
          min_notice_minutes?: number
          modes?: Database["public"]["Enums"]["appointment_mode"][]
          org_id?: string
          requires_acceptance?: boolean
          session_minutes?: number
          updated_at?: string
          user_id?: string
          venue_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "counsellors_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organisations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "counsellors_venue_id_fkey"
            columns: ["venue_id"]
            isOneToOne: false
            referencedRelation: "venues"
            referencedColumns: ["id"]
          },
        ]
      }
      course_certificates: {
        Row: {
          course_id: string
          family_id: string
          holder_initials: string
          holder_name: string
          hours: number
          id: string
          issued_at: string
          member_id: string
          revoked_at: string | null
          serial: string
          sessions_attended: number
        }
        Insert: {
          course_id: string
          family_id: string
          holder_initials: string
          holder_name: string
          hours: number
          id?: string
          issued_at?: string
          member_id: string
          revoked_at?: string | null
          serial: string
          sessions_attended: number
        }
        Update: {
          course_id?: string
          family_id?: string
          holder_initials?: string
          holder_name?: string
          hours?: number
          id?: string
          issued_at?: string
          member_id?: string
          revoked_at?: string | null
          serial?: string
          sessions_attended?: number
        }
        Relationships: [
          {
            foreignKeyName: "course_certificates_course_id_fkey"
            columns: ["course_id"]
            isOneToOne: false
            referencedRelation: "courses"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "course_certificates_family_id_fkey"
            columns: ["family_id"]
            isOneToOne: false
            referencedRelation: "families"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "course_certificates_member_id_fkey"
            columns: ["member_id"]
            isOneToOne: false
            referencedRelation: "family_members"
            referencedColumns: ["id"]
          },
        ]
      }
      course_enrolment_members: {
        Row: {
          enrolment_id: string
          member_id: string
        }
        Insert: {
          enrolment_id: string
          member_id: string
        }
        Update: {
          enrolment_id?: string
          member_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "course_enrolment_members_enrolment_id_fkey"
            columns: ["enrolment_id"]
            isOneToOne: false
            referencedRelation: "course_enrolments"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "course_enrolment_members_member_id_fkey"
            columns: ["member_id"]
            isOneToOne: false
            referencedRelation: "family_members"
            referencedColumns: ["id"]
          },
        ]
      }
      course_enrolments: {
        Row: {
          cancelled_at: string | null
          confirmed_at: string | null
          course_id: string
          created_at: string
          family_id: string
          id: string
          seats: number
          source: string | null
          status: Database["public"]["Enums"]["course_enrolment_status"]
          waitlist_position: number | null
        }
        Insert: {
          cancelled_at?: string | null
          confirmed_at?: string | null
          course_id: string
          created_at?: string
          family_id: string
          id?: string
          seats: number
          source?: string | null
          status: Database["public"]["Enums"]["course_enrolment_status"]
          waitlist_position?: number | null
        }
        Update: {
          cancelled_at?: string | null
          confirmed_at?: string | null
          course_id?: string
          created_at?: string
          family_id?: string
          id?: string
          seats?: number
          source?: string | null
          status?: Database["public"]["Enums"]["course_enrolment_status"]
          waitlist_position?: number | null
        }
        Relationships: [
          {
            foreignKeyName: "course_enrolments_course_id_fkey"
            columns: ["course_id"]
            isOneToOne: false
            referencedRelation: "courses"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "course_enrolments_family_id_fkey"
            columns: ["family_id"]
            isOneToOne: false
            referencedRelation: "families"
            referencedColumns: ["id"]
          },
        ]
      }
      course_excused_absences: {
        Row: {
          created_at: string
          event_id: string
          marked_by: string | null
          member_id: string
          reason: string
        }
        Insert: {
          created_at?: string
          event_id: string
          marked_by?: string | null
          member_id: string
          reason?: string
        }
        Update: {
          created_at?: string
          event_id?: string
          marked_by?: string | null
          member_id?: string
          reason?: string
        }
        Relationships: [
          {
            foreignKeyName: "course_excused_absences_event_id_fkey"
            columns: ["event_id"]
            isOneToOne: false
            referencedRelation: "course_sessions"
            referencedColumns: ["event_id"]
          },
          {
            foreignKeyName: "course_excused_absences_member_id_fkey"
            columns: ["member_id"]
            isOneToOne: false
            referencedRelation: "family_members"
            referencedColumns: ["id"]
          },
        ]
      }
      course_sessions: {
        Row: {
          course_id: string
          event_id: string
        }
        Insert: {
          course_id: string
          event_id: string
        }
        Update: {
          course_id?: string
          event_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "course_sessions_course_id_fkey"
            columns: ["course_id"]
            isOneToOne: false
            referencedRelation: "courses"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "course_sessions_event_id_fkey"
            columns: ["event_id"]
            isOneToOne: true
            referencedRelation: "events"
            referencedColumns: ["id"]
          },
        ]
      }
      courses: {
        Row: {
          capacity: number
          created_at: string
          drop_in_enabled: boolean
          enrol_closes_at: string | null
          enrol_opens_at: string | null
          excused_allowed: number
          id: string
          kind: Database["public"]["Enums"]["course_kind"]
          max_seats_per_family: number
          org_id: string
          seats_taken: number
          sessions_required: number
          slug: string
          status: Database["public"]["Enums"]["event_status"]
          summary_en: string
          summary_zh: string
          title_en: string
          title_zh: string
          updated_at: string
          waitlist_count: number
          waitlist_enabled: boolean
        }
        Insert: {
          capacity: number
          created_at?: string
          drop_in_enabled?: boolean
          enrol_closes_at?: string | null
          enrol_opens_at?: string | null
          excused_allowed?: number
          id?: string
          kind: Database["public"]["Enums"]["course_kind"]
          max_seats_per_family?: number
          org_id: string
          seats_taken?: number
          sessions_required: number
          slug: string
          status?: Database["public"]["Enums"]["event_status"]
          summary_en?: string
          summary_zh?: string
          title_en?: string
          title_zh: string
          updated_at?: string
          waitlist_count?: number
          waitlist_enabled?: boolean
        }
        Update: {
          capacity?: number
          created_at?: string
          drop_in_enabled?: boolean
          enrol_closes_at?: string | null
          enrol_opens_at?: string | null
          excused_allowed?: number
          id?: string
          kind?: Database["public"]["Enums"]["course_kind"]
          max_seats_per_family?: number
          org_id?: string
          seats_taken?: number
          sessions_required?: number
          slug?: string
          status?: Database["public"]["Enums"]["event_status"]
          summary_en?: string
          summary_zh?: string
          title_en?: string
          title_zh?: string
          updated_at?: string
          waitlist_count?: number
          waitlist_enabled?: boolean
        }
        Relationships: [
          {
            foreignKeyName: "courses_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organisations"
            referencedColumns: ["id"]
          },
        ]
      }
      email_batches: {
        Row: {
          attempts: number
          created_at: string
          failures: number
          finished_at: string | null
          key: string
          last_error: string | null
          lease_until: string
          mode: string
          worker: string
        }
        Insert: {
          attempts?: number
          created_at?: string
          failures?: number
          finished_at?: string | null
          key: string
          last_error?: string | null
          lease_until: string
          mode: string
          worker: string
        }
        Update: {
          attempts?: number
          created_at?: string
          failures?: number
          finished_at?: string | null
          key?: string
          last_error?: string | null
          lease_until?: string
          mode?: string
          worker?: string
        }
        Relationships: []
      }
      email_outbox: {
        Row: {
          appointment_id: string | null
          attempts: number
          batch_key: string | null
          created_at: string
          event_id: string | null
          id: string
          idempotency_key: string
          kind: string
          last_error: string | null
          locale: Database["public"]["Enums"]["app_locale"]
          next_attempt_at: string
          payload: NonNullable<Json>
          provider_id: string | null
          registration_id: string | null
          sent_at: string | null
          status: Database["public"]["Enums"]["outbox_status"]
          to_email: string
        }
        Insert: {
          appointment_id?: string | null
          attempts?: number
          batch_key?: string | null
          created_at?: string
          event_id?: string | null
          id?: string
          idempotency_key: string
          kind: string
          last_error?: string | null
          locale?: Database["public"]["Enums"]["app_locale"]
          next_attempt_at?: string
          payload?: NonNullable<Json>
          provider_id?: string | null
          registration_id?: string | null
          sent_at?: string | null
          status?: Database["public"]["Enums"]["outbox_status"]
          to_email: string
        }
        Update: {
          appointment_id?: string | null
          attempts?: number
          batch_key?: string | null
          created_at?: string
          event_id?: string | null
          id?: string
          idempotency_key?: string
          kind?: string
          last_error?: string | null
          locale?: Database["public"]["Enums"]["app_locale"]
          next_attempt_at?: string
          payload?: NonNullable<Json>
          provider_id?: string | null
          registration_id?: string | null
          sent_at?: string | null
          status?: Database["public"]["Enums"]["outbox_status"]
          to_email?: string
        }
        Relationships: [
          {
            foreignKeyName: "email_outbox_appointment_id_fkey"
            columns: ["appointment_id"]
            isOneToOne: false
            referencedRelation: "appointments"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "email_outbox_batch_key_fkey"
            columns: ["batch_key"]
            isOneToOne: false
            referencedRelation: "email_batches"
            referencedColumns: ["key"]
          },
          {
            foreignKeyName: "email_outbox_event_id_fkey"
            columns: ["event_id"]
            isOneToOne: false
            referencedRelation: "events"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "email_outbox_registration_id_fkey"
            columns: ["registration_id"]
            isOneToOne: false
            referencedRelation: "registrations"
            referencedColumns: ["id"]
          },
        ]
      }
      event_covers: {
        Row: {
          consent_confirmed_at: string | null
          consent_confirmed_by: string | null
          event_id: string
          focal_x: number
          focal_y: number
          guardians_consent: boolean
          height: number
          object_path: string
          org_id: string
          shows_children: boolean
          updated_at: string
          updated_by: string | null
          width: number
        }
        Insert: {
          consent_confirmed_at?: string | null
          consent_confirmed_by?: string | null
          event_id: string
          focal_x?: number
          focal_y?: number
          guardians_consent?: boolean
          height: number
          object_path: string
          org_id: string
          shows_children?: boolean
          updated_at?: string
          updated_by?: string | null
          width: number
        }
        Update: {
          consent_confirmed_at?: string | null
          consent_confirmed_by?: string | null
          event_id?: string
          focal_x?: number
          focal_y?: number
          guardians_consent?: boolean
          height?: number
          object_path?: string
          org_id?: string
          shows_children?: boolean
          updated_at?: string
          updated_by?: string | null
          width?: number
        }
        Relationships: [
          {
            foreignKeyName: "event_covers_event_id_fkey"
            columns: ["event_id"]
            isOneToOne: true
            referencedRelation: "events"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "event_covers_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organisations"
            referencedColumns: ["id"]
          },
        ]
      }
      event_feedback: {
        Row: {
          answered_via: string
          come_again: boolean | null
          created_at: string
          enjoyed: string | null
          event_id: string
          family_id: string
          id: string
          improve: string | null
          rating: number
          registration_id: string
        }
        Insert: {
          answered_via: string
          come_again?: boolean | null
          created_at?: string
          enjoyed?: string | null
          event_id: string
          family_id: string
          id?: string
          improve?: string | null
          rating: number
          registration_id: string
        }
        Update: {
          answered_via?: string
          come_again?: boolean | null
          created_at?: string
          enjoyed?: string | null
          event_id?: string
          family_id?: string
          id?: string
          improve?: string | null
          rating?: number
          registration_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "event_feedback_event_id_fkey"
            columns: ["event_id"]
            isOneToOne: false
            referencedRelation: "events"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "event_feedback_family_id_fkey"
            columns: ["family_id"]
            isOneToOne: false
            referencedRelation: "families"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "event_feedback_registration_id_fkey"
            columns: ["registration_id"]
            isOneToOne: true
            referencedRelation: "registrations"
            referencedColumns: ["id"]
          },
        ]
      }
      event_holds: {
        Row: {
          created_at: string
          event_id: string
          release_at: string
          released_at: string | null
          released_seats: number | null
          seats: number
          updated_at: string
        }
        Insert: {
          created_at?: string
          event_id: string
          release_at: string
          released_at?: string | null
          released_seats?: number | null
          seats: number
          updated_at?: string
        }
        Update: {
          created_at?: string
          event_id?: string
          release_at?: string
          released_at?: string | null
          released_seats?: number | null
          seats?: number
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "event_holds_event_id_fkey"
            columns: ["event_id"]
            isOneToOne: true
            referencedRelation: "events"
            referencedColumns: ["id"]
          },
        ]
      }
      event_materials: {
        Row: {
          audience: Database["public"]["Enums"]["material_audience"]
          content_type: string
          created_at: string
          created_by: string | null
          event_id: string
          file_name: string
          guardians_consent: boolean
          id: string
          object_path: string
          org_id: string
          shows_children: boolean
          size_bytes: number
          title: string
        }
        Insert: {
          audience?: Database["public"]["Enums"]["material_audience"]
          content_type: string
          created_at?: string
          created_by?: string | null
          event_id: string
          file_name: string
          guardians_consent?: boolean
          id?: string
          object_path: string
          org_id: string
          shows_children?: boolean
          size_bytes: number
          title: string
        }
        Update: {
          audience?: Database["public"]["Enums"]["material_audience"]
          content_type?: string
          created_at?: string
          created_by?: string | null
          event_id?: string
          file_name?: string
          guardians_consent?: boolean
          id?: string
          object_path?: string
          org_id?: string
          shows_children?: boolean
          size_bytes?: number
          title?: string
        }
        Relationships: [
          {
            foreignKeyName: "event_materials_event_id_fkey"
            columns: ["event_id"]
            isOneToOne: false
            referencedRelation: "events"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "event_materials_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organisations"
            referencedColumns: ["id"]
          },
        ]
      }
      event_messages: {
        Row: {
          body: string
          created_at: string
          event_id: string
          id: string
          include_waitlisted: boolean
          recipients: number
          sent_by: string | null
          subject: string
        }
        Insert: {
          body: string
          created_at?: string
          event_id: string
          id?: string
          include_waitlisted?: boolean
          recipients?: number
          sent_by?: string | null
          subject: string
        }
        Update: {
          body?: string
          created_at?: string
          event_id?: string
          id?: string
          include_waitlisted?: boolean
          recipients?: number
          sent_by?: string | null
          subject?: string
        }
        Relationships: [
          {
            foreignKeyName: "event_messages_event_id_fkey"
            columns: ["event_id"]
            isOneToOne: false
            referencedRelation: "events"
            referencedColumns: ["id"]
          },
        ]
      }
      event_questions: {
        Row: {
          children_only: boolean
          choices: NonNullable<Json>
          created_at: string
          event_id: string
          id: string
          kind: Database["public"]["Enums"]["question_kind"]
          label_en: string
          label_zh: string
          position: number
          preset: string | null
          required: boolean
          scope: Database["public"]["Enums"]["question_scope"]
          sensitive: boolean
        }
        Insert: {
          children_only?: boolean
          choices?: NonNullable<Json>
          created_at?: string
          event_id: string
          id?: string
          kind: Database["public"]["Enums"]["question_kind"]
          label_en?: string
          label_zh: string
          position?: number
          preset?: string | null
          required?: boolean
          scope?: Database["public"]["Enums"]["question_scope"]
          sensitive?: boolean
        }
        Update: {
          children_only?: boolean
          choices?: NonNullable<Json>
          created_at?: string
          event_id?: string
          id?: string
          kind?: Database["public"]["Enums"]["question_kind"]
          label_en?: string
          label_zh?: string
          position?: number
          preset?: string | null
          required?: boolean
          scope?: Database["public"]["Enums"]["question_scope"]
          sensitive?: boolean
        }
        Relationships: [
          {
            foreignKeyName: "event_questions_event_id_fkey"
            columns: ["event_id"]
            isOneToOne: false
            referencedRelation: "events"
            referencedColumns: ["id"]
          },
        ]
      }
      events: {
        Row: {
          address_en: string | null
          address_zh: string | null
          cancelled_reason: string | null
          capacity: number
          category: Database["public"]["Enums"]["event_category"]
          created_at: string
          created_by: string | null
          description_en: string
          description_zh: string
          ends_at: string
          id: string
          max_child_age: number | null
          max_seats_per_family: number
          min_child_age: number | null
          org_id: string
          registration_closes_at: string | null
          registration_opens_at: string | null
          seats_taken: number
          second_reminder: boolean
          sequence: number
          series_id: string | null
          slug: string
          starts_at: string
          status: Database["public"]["Enums"]["event_status"]
          summary_en: string
          summary_zh: string
          title_en: string
          title_zh: string
          updated_at: string
          venue_booking_id: string | null
          waitlist_count: number
          waitlist_enabled: boolean
        }
        Insert: {
          address_en?: string | null
          address_zh?: string | null
          cancelled_reason?: string | null
          capacity: number
          category: Database["public"]["Enums"]["event_category"]
          created_at?: string
          created_by?: string | null
          description_en?: string
          description_zh?: string
          ends_at: string
          id?: string
          max_child_age?: number | null
          max_seats_per_family?: number
          min_child_age?: number | null
          org_id: string
          registration_closes_at?: string | null
          registration_opens_at?: string | null
          seats_taken?: number
          second_reminder?: boolean
          sequence?: number
          series_id?: string | null
          slug?: string
          starts_at: string
          status?: Database["public"]["Enums"]["event_status"]
          summary_en?: string
          summary_zh?: string
          title_en?: string
          title_zh: string
          updated_at?: string
          venue_booking_id?: string | null
          waitlist_count?: number
          waitlist_enabled?: boolean
        }
        Update: {
          address_en?: string | null
          address_zh?: string | null
          cancelled_reason?: string | null
          capacity?: number
          category?: Database["public"]["Enums"]["event_category"]
          created_at?: string
          created_by?: string | null
          description_en?: string
          description_zh?: string
          ends_at?: string
          id?: string
          max_child_age?: number | null
          max_seats_per_family?: number
          min_child_age?: number | null
          org_id?: string
          registration_closes_at?: string | null
          registration_opens_at?: string | null
          seats_taken?: number
          second_reminder?: boolean
          sequence?: number
          series_id?: string | null
          slug?: string
          starts_at?: string
          status?: Database["public"]["Enums"]["event_status"]
          summary_en?: string
          summary_zh?: string
          title_en?: string
          title_zh?: string
          updated_at?: string
          venue_booking_id?: string | null
          waitlist_count?: number
          waitlist_enabled?: boolean
        }
        Relationships: [
          {
            foreignKeyName: "events_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organisations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "events_venue_booking_id_fkey"
            columns: ["venue_booking_id"]
            isOneToOne: false
            referencedRelation: "venue_bookings"
            referencedColumns: ["id"]
          },
        ]
      }
      families: {
        Row: {
          created_at: string
          door_org_id: string | null
          email: string | null
          feedback_requests_enabled: boolean
          guardian_id: string | null
          guardian_name: string
          id: string
          locale: Database["public"]["Enums"]["app_locale"]
          phone: string | null
          reminders_enabled: boolean
          unsubscribe_token: string
          updated_at: string
        }
        Insert: {
          created_at?: string
          door_org_id?: string | null
          email?: string | null
          feedback_requests_enabled?: boolean
          guardian_id?: string | null
          guardian_name: string
          id?: string
          locale?: Database["public"]["Enums"]["app_locale"]
          phone?: string | null
          reminders_enabled?: boolean
          unsubscribe_token?: string
          updated_at?: string
        }
        Update: {
          created_at?: string
          door_org_id?: string | null
          email?: string | null
          feedback_requests_enabled?: boolean
          guardian_id?: string | null
          guardian_name?: string
          id?: string
          locale?: Database["public"]["Enums"]["app_locale"]
          phone?: string | null
          reminders_enabled?: boolean
          unsubscribe_token?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "families_door_org_id_fkey"
            columns: ["door_org_id"]
            isOneToOne: false
            referencedRelation: "organisations"
            referencedColumns: ["id"]
          },
        ]
      }
      family_members: {
        Row: {
          birth_year_month: string | null
          created_at: string
          family_id: string
          grade: string | null
          id: string
          kind: Database["public"]["Enums"]["member_kind"]
          nickname: string
          notes: string | null
          updated_at: string
        }
        Insert: {
          birth_year_month?: string | null
          created_at?: string
          family_id: string
          grade?: string | null
          id?: string
          kind: Database["public"]["Enums"]["member_kind"]
          nickname: string
          notes?: string | null
          updated_at?: string
        }
        Update: {
          birth_year_month?: string | null
          created_at?: string
          family_id?: string
          grade?: string | null
          id?: string
          kind?: Database["public"]["Enums"]["member_kind"]
          nickname?: string
          notes?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "family_members_family_id_fkey"
            columns: ["family_id"]
            isOneToOne: false
            referencedRelation: "families"
            referencedColumns: ["id"]
          },
        ]
      }
      feedback_replies: {
        Row: {
          body: string
          created_at: string
          feedback_id: string
          id: string
          is_public: boolean
          sent_by: string | null
        }
        Insert: {
          body: string
          created_at?: string
          feedback_id: string
          id?: string
          is_public?: boolean
          sent_by?: string | null
        }
        Update: {
          body?: string
          created_at?: string
          feedback_id?: string
          id?: string
          is_public?: boolean
          sent_by?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "feedback_replies_feedback_id_fkey"
            columns: ["feedback_id"]
            isOneToOne: false
            referencedRelation: "event_feedback"
            referencedColumns: ["id"]
          },
        ]
      }
      feedback_requests: {
        Row: {
          event_id: string
          registration_id: string
          requested_at: string
        }
        Insert: {
          event_id: string
          registration_id: string
          requested_at?: string
        }
        Update: {
          event_id?: string
          registration_id?: string
          requested_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "feedback_requests_event_id_fkey"
            columns: ["event_id"]
            isOneToOne: false
            referencedRelation: "events"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "feedback_requests_registration_id_fkey"
            columns: ["registration_id"]
            isOneToOne: true
            referencedRelation: "registrations"
            referencedColumns: ["id"]
          },
        ]
      }
      held_invitations: {
        Row: {
          answered_at: string | null
          created_at: string
          created_by: string | null
          event_id: string
          expires_at: string
          family_id: string
          id: string
          referral_id: string
          seats: number
          status: Database["public"]["Enums"]["held_invitation_status"]
        }
        Insert: {
          answered_at?: string | null
          created_at?: string
          created_by?: string | null
          event_id: string
          expires_at: string
          family_id: string
          id?: string
          referral_id: string
          seats: number
          status?: Database["public"]["Enums"]["held_invitation_status"]
        }
        Update: {
          answered_at?: string | null
          created_at?: string
          created_by?: string | null
          event_id?: string
          expires_at?: string
          family_id?: string
          id?: string
          referral_id?: string
          seats?: number
          status?: Database["public"]["Enums"]["held_invitation_status"]
        }
        Relationships: [
          {
            foreignKeyName: "held_invitations_event_id_fkey"
            columns: ["event_id"]
            isOneToOne: false
            referencedRelation: "events"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "held_invitations_family_id_fkey"
            columns: ["family_id"]
            isOneToOne: false
            referencedRelation: "families"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "held_invitations_referral_id_fkey"
            columns: ["referral_id"]
            isOneToOne: false
            referencedRelation: "referrals"
            referencedColumns: ["id"]
          },
        ]
      }
      held_place_uses: {
        Row: {
          created_at: string
          event_id: string
          referral_id: string | null
          registration_id: string
        }
        Insert: {
          created_at?: string
          event_id: string
          referral_id?: string | null
          registration_id: string
        }
        Update: {
          created_at?: string
          event_id?: string
          referral_id?: string | null
          registration_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "held_place_uses_event_id_fkey"
            columns: ["event_id"]
            isOneToOne: false
            referencedRelation: "events"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "held_place_uses_referral_id_fkey"
            columns: ["referral_id"]
            isOneToOne: false
            referencedRelation: "referrals"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "held_place_uses_registration_id_fkey"
            columns: ["registration_id"]
            isOneToOne: true
            referencedRelation: "registrations"
            referencedColumns: ["id"]
          },
        ]
      }
      notice_recipients: {
        Row: {
          answer: string | null
          answered_at: string | null
          answered_via: string | null
          created_at: string
          family_id: string
          id: string
          notice_id: string
          read_at: string | null
          reminded: number
        }
        Insert: {
          answer?: string | null
          answered_at?: string | null
          answered_via?: string | null
          created_at?: string
          family_id: string
          id?: string
          notice_id: string
          read_at?: string | null
          reminded?: number
        }
        Update: {
          answer?: string | null
          answered_at?: string | null
          answered_via?: string | null
          created_at?: string
          family_id?: string
          id?: string
          notice_id?: string
          read_at?: string | null
          reminded?: number
        }
        Relationships: [
          {
            foreignKeyName: "notice_recipients_family_id_fkey"
            columns: ["family_id"]
            isOneToOne: false
            referencedRelation: "families"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "notice_recipients_notice_id_fkey"
            columns: ["notice_id"]
            isOneToOne: false
            referencedRelation: "notices"
            referencedColumns: ["id"]
          },
        ]
      }
      notices: {
        Row: {
          attended_from: string | null
          attended_to: string | null
          body: string
          created_at: string
          event_id: string | null
          id: string
          last_reminded_at: string | null
          options: string[]
          org_id: string
          question: string | null
          receipt_kind: Database["public"]["Enums"]["receipt_kind"]
          recipients: number
          reminders_sent: number
          sent_by: string | null
          subject: string
        }
        Insert: {
          attended_from?: string | null
          attended_to?: string | null
          body: string
          created_at?: string
          event_id?: string | null
          id?: string
          last_reminded_at?: string | null
          options?: string[]
          org_id: string
          question?: string | null
          receipt_kind?: Database["public"]["Enums"]["receipt_kind"]
          recipients?: number
          reminders_sent?: number
          sent_by?: string | null
          subject: string
        }
        Update: {
          attended_from?: string | null
          attended_to?: string | null
          body?: string
          created_at?: string
          event_id?: string | null
          id?: string
          last_reminded_at?: string | null
          options?: string[]
          org_id?: string
          question?: string | null
          receipt_kind?: Database["public"]["Enums"]["receipt_kind"]
          recipients?: number
          reminders_sent?: number
          sent_by?: string | null
          subject?: string
        }
        Relationships: [
          {
            foreignKeyName: "notices_event_id_fkey"
            columns: ["event_id"]
            isOneToOne: false
            referencedRelation: "events"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "notices_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organisations"
            referencedColumns: ["id"]
          },
        ]
      }
      org_members: {
        Row: {
          created_at: string
          org_id: string
          role: Database["public"]["Enums"]["org_role"]
          user_id: string
        }
        Insert: {
          created_at?: string
          org_id: string
          role?: Database["public"]["Enums"]["org_role"]
          user_id: string
        }
        Update: {
          created_at?: string
          org_id?: string
          role?: Database["public"]["Enums"]["org_role"]
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "org_members_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organisations"
            referencedColumns: ["id"]
          },
        ]
      }
      organisation_logos: {
        Row: {
          object_path: string
          org_id: string
          updated_at: string
          updated_by: string | null
        }
        Insert: {
          object_path: string
          org_id: string
          updated_at?: string
          updated_by?: string | null
        }
        Update: {
          object_path?: string
          org_id?: string
          updated_at?: string
          updated_by?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "organisation_logos_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: true
            referencedRelation: "organisations"
            referencedColumns: ["id"]
          },
        ]
      }
      organisations: {
        Row: {
          address_en: string | null
          address_zh: string | null
          contact_email: string | null
          contact_name: string | null
          contact_phone: string | null
          created_at: string
          description_en: string
          description_zh: string
          id: string
          kind: Database["public"]["Enums"]["organisation_kind"]
          name_en: string
          name_zh: string
          slug: string
          town: string | null
          updated_at: string
          website_url: string | null
        }
        Insert: {
          address_en?: string | null
          address_zh?: string | null
          contact_email?: string | null
          contact_name?: string | null
          contact_phone?: string | null
          created_at?: string
          description_en?: string
          description_zh?: string
          id?: string
          kind: Database["public"]["Enums"]["organisation_kind"]
          name_en: string
          name_zh: string
          slug: string
          town?: string | null
          updated_at?: string
          website_url?: string | null
        }
        Update: {
          address_en?: string | null
          address_zh?: string | null
          contact_email?: string | null
          contact_name?: string | null
          contact_phone?: string | null
          created_at?: string
          description_en?: string
          description_zh?: string
          id?: string
          kind?: Database["public"]["Enums"]["organisation_kind"]
          name_en?: string
          name_zh?: string
          slug?: string
          town?: string | null
          updated_at?: string
          website_url?: string | null
        }
        Relationships: []
      }
      phone_reveals: {
        Row: {
          event_id: string
          family_id: string
          id: string
          org_id: string
          registration_id: string
          revealed_at: string
          revealed_by: string | null
        }
        Insert: {
          event_id: string
          family_id: string
          id?: string
          org_id: string
          registration_id: string
          revealed_at?: string
          revealed_by?: string | null
        }
        Update: {
          event_id?: string
          family_id?: string
          id?: string
          org_id?: string
          registration_id?: string
          revealed_at?: string
          revealed_by?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "phone_reveals_event_id_fkey"
            columns: ["event_id"]
            isOneToOne: false
            referencedRelation: "events"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "phone_reveals_family_id_fkey"
            columns: ["family_id"]
            isOneToOne: false
            referencedRelation: "families"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "phone_reveals_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organisations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "phone_reveals_registration_id_fkey"
            columns: ["registration_id"]
            isOneToOne: false
            referencedRelation: "registrations"
            referencedColumns: ["id"]
          },
        ]
      }
      privacy_texts: {
        Row: {
          body_en: string
          body_zh: string
          created_at: string
          kind: string
          published_at: string
          title_en: string
          title_zh: string
          version: string
        }
        Insert: {
          body_en: string
          body_zh: string
          created_at?: string
          kind?: string
          published_at?: string
          title_en: string
          title_zh: string
          version: string
        }
        Update: {
          body_en?: string
          body_zh?: string
          created_at?: string
          kind?: string
          published_at?: string
          title_en?: string
          title_zh?: string
          version?: string
        }
        Relationships: []
      }
      referrals: {
        Row: {
          code: string | null
          created_at: string
          ended_at: string | null
          ends_on: string
          family_id: string | null
          guardian_email: string | null
          id: string
          org_id: string
          reason: Database["public"]["Enums"]["referral_reason"]
          redeemed_at: string | null
          referred_by: string | null
          starts_on: string
        }
        Insert: {
          code?: string | null
          created_at?: string
          ended_at?: string | null
          ends_on: string
          family_id?: string | null
          guardian_email?: string | null
          id?: string
          org_id: string
          reason: Database["public"]["Enums"]["referral_reason"]
          redeemed_at?: string | null
          referred_by?: string | null
          starts_on: string
        }
        Update: {
          code?: string | null
          created_at?: string
          ended_at?: string | null
          ends_on?: string
          family_id?: string | null
          guardian_email?: string | null
          id?: string
          org_id?: string
          reason?: Database["public"]["Enums"]["referral_reason"]
          redeemed_at?: string | null
          referred_by?: string | null
          starts_on?: string
        }
        Relationships: [
          {
            foreignKeyName: "referrals_family_id_fkey"
            columns: ["family_id"]
            isOneToOne: false
            referencedRelation: "families"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "referrals_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organisations"
            referencedColumns: ["id"]
          },
        ]
      }
      referrers: {
        Row: {
          created_at: string
          org_id: string
          user_id: string
        }
        Insert: {
          created_at?: string
          org_id: string
          user_id: string
        }
        Update: {
          created_at?: string
          org_id?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "referrers_org_id_user_id_fkey"
            columns: ["org_id", "user_id"]
            isOneToOne: true
            referencedRelation: "org_members"
            referencedColumns: ["org_id", "user_id"]
          },
        ]
      }
      registration_answers: {
        Row: {
          created_at: string
          event_id: string
          id: string
          member_id: string | null
          question_id: string
          registration_id: string
          value: NonNullable<Json>
        }
        Insert: {
          created_at?: string
          event_id: string
          id?: string
          member_id?: string | null
          question_id: string
          registration_id: string
          value: NonNullable<Json>
        }
        Update: {
          created_at?: string
          event_id?: string
          id?: string
          member_id?: string | null
          question_id?: string
          registration_id?: string
          value?: NonNullable<Json>
        }
        Relationships: [
          {
            foreignKeyName: "registration_answers_event_id_fkey"
            columns: ["event_id"]
            isOneToOne: false
            referencedRelation: "events"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "registration_answers_member_id_fkey"
            columns: ["member_id"]
            isOneToOne: false
            referencedRelation: "family_members"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "registration_answers_question_id_fkey"
            columns: ["question_id"]
            isOneToOne: false
            referencedRelation: "event_questions"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "registration_answers_registration_id_fkey"
            columns: ["registration_id"]
            isOneToOne: false
            referencedRelation: "registrations"
            referencedColumns: ["id"]
          },
        ]
      }
      registration_attendees: {
        Row: {
          member_id: string
          registration_id: string
        }
        Insert: {
          member_id: string
          registration_id: string
        }
        Update: {
          member_id?: string
          registration_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "registration_attendees_member_id_fkey"
            columns: ["member_id"]
            isOneToOne: false
            referencedRelation: "family_members"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "registration_attendees_registration_id_fkey"
            columns: ["registration_id"]
            isOneToOne: false
            referencedRelation: "registrations"
            referencedColumns: ["id"]
          },
        ]
      }
      registrations: {
        Row: {
          cancelled_at: string | null
          check_in_code: string
          checked_in_at: string | null
          confirmed_at: string | null
          created_at: string
          event_id: string
          family_id: string
          id: string
          note: string | null
          seats: number
          source: string | null
          status: Database["public"]["Enums"]["registration_status"]
          updated_at: string
          waitlist_joined_at: string | null
          waitlist_position: number | null
        }
        Insert: {
          cancelled_at?: string | null
          check_in_code: string
          checked_in_at?: string | null
          confirmed_at?: string | null
          created_at?: string
          event_id: string
          family_id: string
          id?: string
          note?: string | null
          seats: number
          source?: string | null
          status: Database["public"]["Enums"]["registration_status"]
          updated_at?: string
          waitlist_joined_at?: string | null
          waitlist_position?: number | null
        }
        Update: {
          cancelled_at?: string | null
          check_in_code?: string
          checked_in_at?: string | null
          confirmed_at?: string | null
          created_at?: string
          event_id?: string
          family_id?: string
          id?: string
          note?: string | null
          seats?: number
          source?: string | null
          status?: Database["public"]["Enums"]["registration_status"]
          updated_at?: string
          waitlist_joined_at?: string | null
          waitlist_position?: number | null
        }
        Relationships: [
          {
            foreignKeyName: "registrations_event_id_fkey"
            columns: ["event_id"]
            isOneToOne: false
            referencedRelation: "events"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "registrations_family_id_fkey"
            columns: ["family_id"]
            isOneToOne: false
            referencedRelation: "families"
            referencedColumns: ["id"]
          },
        ]
      }
      second_factor_requirements: {
        Row: {
          id: string
          org_id: string | null
          required_at: string
          required_by: string | null
        }
        Insert: {
          id?: string
          org_id?: string | null
          required_at?: string
          required_by?: string | null
        }
        Update: {
          id?: string
          org_id?: string | null
          required_at?: string
          required_by?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "second_factor_requirements_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: true
            referencedRelation: "organisations"
            referencedColumns: ["id"]
          },
        ]
      }
      session_notes: {
        Row: {
          appointment_id: string
          author_id: string
          body: string
          created_at: string
          id: string
          updated_at: string
        }
        Insert: {
          appointment_id: string
          author_id?: string
          body: string
          created_at?: string
          id?: string
          updated_at?: string
        }
        Update: {
          appointment_id?: string
          author_id?: string
          body?: string
          created_at?: string
          id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "session_notes_appointment_id_fkey"
            columns: ["appointment_id"]
            isOneToOne: false
            referencedRelation: "appointments"
            referencedColumns: ["id"]
          },
        ]
      }
      venue_bookings: {
        Row: {
          buffer_minutes: number
          created_at: string
          decided_at: string | null
          decided_by: string | null
          ends_at: string
          id: string
          occupied: unknown
          org_id: string
          purpose: string
          reason: string | null
          requested_by: string | null
          starts_at: string
          status: Database["public"]["Enums"]["booking_status"]
          updated_at: string
          venue_id: string
        }
        Insert: {
          buffer_minutes?: number
          created_at?: string
          decided_at?: string | null
          decided_by?: string | null
          ends_at: string
          id?: string
          occupied?: never
          org_id: string
          purpose?: string
          reason?: string | null
          requested_by?: string | null
          starts_at: string
          status?: Database["public"]["Enums"]["booking_status"]
          updated_at?: string
          venue_id: string
        }
        Update: {
          buffer_minutes?: number
          created_at?: string
          decided_at?: string | null
          decided_by?: string | null
          ends_at?: string
          id?: string
          occupied?: never
          org_id?: string
          purpose?: string
          reason?: string | null
          requested_by?: string | null
          starts_at?: string
          status?: Database["public"]["Enums"]["booking_status"]
          updated_at?: string
          venue_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "venue_bookings_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organisations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "venue_bookings_venue_id_fkey"
            columns: ["venue_id"]
            isOneToOne: false
            referencedRelation: "venues"
            referencedColumns: ["id"]
          },
        ]
      }
      venue_opening_hours: {
        Row: {
          closes_at: string
          opens_at: string
          venue_id: string
          weekday: number
        }
        Insert: {
          closes_at: string
          opens_at: string
          venue_id: string
          weekday: number
        }
        Update: {
          closes_at?: string
          opens_at?: string
          venue_id?: string
          weekday?: number
        }
        Relationships: [
          {
            foreignKeyName: "venue_opening_hours_venue_id_fkey"
            columns: ["venue_id"]
            isOneToOne: false
            referencedRelation: "venues"
            referencedColumns: ["id"]
          },
        ]
      }
      venues: {
        Row: {
          active: boolean
          address_en: string | null
          address_zh: string | null
          buffer_minutes: number
          capacity: number
          created_at: string
          description_en: string
          description_zh: string
          id: string
          name_en: string
          name_zh: string
          org_id: string
          updated_at: string
        }
        Insert: {
          active?: boolean
          address_en?: string | null
          address_zh?: string | null
          buffer_minutes?: number
          capacity: number
          created_at?: string
          description_en?: string
          description_zh?: string
          id?: string
          name_en?: string
          name_zh: string
          org_id: string
          updated_at?: string
        }
        Update: {
          active?: boolean
          address_en?: string | null
          address_zh?: string | null
          buffer_minutes?: number
          capacity?: number
          created_at?: string
          description_en?: string
          description_zh?: string
          id?: string
          name_en?: string
          name_zh?: string
          org_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "venues_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organisations"
            referencedColumns: ["id"]
          },
        ]
      }
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      add_org_member: {
        Args: {
          p_email: string
          p_org_id: string
          p_role?: Database["public"]["Enums"]["org_role"]
        }
        Returns: Json
      }
      answer_notice: {
        Args: { p_answer: string; p_notice_id: string }
        Returns: Json
      }
      answer_notice_by_token: {
        Args: { p_answer: string; p_token: string }
        Returns: Json
      }
      block_venue: {
        Args: {
          p_ends_at: string
          p_reason?: string
          p_starts_at: string
          p_venue_id: string
        }
        Returns: Json
      }
      book_appointment: {
        Args: {
          p_contact?: Database["public"]["Enums"]["contact_preference"]
          p_counsellor_id: string
          p_member_id?: string
          p_mode: Database["public"]["Enums"]["appointment_mode"]
          p_note?: string
          p_starts_at: string
          p_subject: Database["public"]["Enums"]["counselling_subject"]
          p_topic: Database["public"]["Enums"]["counselling_topic"]
        }
        Returns: Json
      }
      cancel_appointment: { Args: { p_id: string }; Returns: Json }
      cancel_course_enrolment: {
        Args: { p_enrolment_id: string }
        Returns: Json
      }
      cancel_event: {
        Args: {
          p_event_id: string
          p_reason?: string
          p_whole_series?: boolean
        }
        Returns: Json
      }
      cancel_registration: {
        Args: { p_registration_id: string }
        Returns: Json
      }
      cancel_venue_booking: { Args: { p_booking_id: string }; Returns: Json }
      change_registration_members: {
        Args: {
          p_answers?: Json
          p_member_ids: string[]
          p_registration_id: string
        }
        Returns: Json
      }
      check_in: { Args: { p_code: string }; Returns: Json }
      check_in_at_event: {
        Args: { p_code: string; p_event_id: string }
        Returns: Json
      }
      claim_email_batch: {
        Args: {
          p_batch_size?: number
          p_lease_seconds?: number
          p_limit: number
          p_max_requests?: number
          p_single_kinds?: string[]
          p_worker: string
        }
        Returns: Json
      }
      client_attempts_allowed: {
        Args: {
          p_client: string
          p_kind: string
          p_limit: number
          p_window_seconds?: number
        }
        Returns: boolean
      }
      closed_loop_counts: {
        Args: { p_from?: string; p_to?: string }
        Returns: {
          category: Database["public"]["Enums"]["event_category"]
          feedback_given: number
          feedback_rate: number
          feedback_requested: number
          notices: number
          notices_read: number
          notices_sent_to: number
          org_id: string
          org_name_en: string
          org_name_zh: string
          ratings_average: number
          read_rate: number
          receipt_rate: number
          receipts_answered: number
          receipts_asked: number
        }[]
      }
      contact_window: {
        Args: { p_ends_at: string; p_starts_at: string }
        Returns: unknown
      }
      counselling_counts: {
        Args: { p_from: string; p_to: string }
        Returns: {
          booked: string
          cancelled: string
          name_en: string
          name_zh: string
          no_show: string
          org_id: string
        }[]
      }
      counselling_slots: {
        Args: {
          p_counsellor_id?: string
          p_from: string
          p_org_id: string
          p_to: string
        }
        Returns: {
          counsellor_id: string
          ends_at: string
          modes: Database["public"]["Enums"]["appointment_mode"][]
          starts_at: string
        }[]
      }
      counsellor_appointments: {
        Args: { p_from: string; p_id?: string; p_to: string }
        Returns: {
          cancelled_by: string
          cancelled_late: boolean
          contact: Database["public"]["Enums"]["contact_preference"]
          email: string
          ends_at: string
          guardian_name: string
          has_notes: boolean
          id: string
          member_nickname: string
          mode: Database["public"]["Enums"]["appointment_mode"]
          note: string
          phone: string
          starts_at: string
          status: Database["public"]["Enums"]["appointment_status"]
          subject: Database["public"]["Enums"]["counselling_subject"]
          topic: Database["public"]["Enums"]["counselling_topic"]
        }[]
      }
      counsellor_busy: {
        Args: { p_from: string; p_org_id: string; p_to: string }
        Returns: {
          counsellor_id: string
          ends_at: string
          starts_at: string
        }[]
      }
      count_client_attempt: {
        Args: { p_client: string; p_kind: string; p_window_seconds?: number }
        Returns: number
      }
      course_details: { Args: { p_slug: string }; Returns: Json }
      course_drop_in_places: { Args: { p_event_id: string }; Returns: number }
      course_register: {
        Args: { p_course_id: string }
        Returns: {
          attended: number
          cells: Json
          certificate_serial: string
          completed: boolean
          enrolled: boolean
          excused: number
          family_id: string
          guardian_name: string
          hours: number
          member_id: string
          member_kind: Database["public"]["Enums"]["member_kind"]
          nickname: string
        }[]
      }
      create_event_series: {
        Args: {
          p_dry_run?: boolean
          p_event: Json
          p_org_id: string
          p_publish?: boolean
          p_skip_conflicts?: boolean
          p_weeks: number
        }
        Returns: Json
      }
      create_referral_code: {
        Args: {
          p_ends_on: string
          p_org_id: string
          p_reason: Database["public"]["Enums"]["referral_reason"]
          p_starts_on: string
        }
        Returns: Json
      }
      current_privacy_version: {
        Args: Record<PropertyKey, never>
        Returns: string
      }
      dashboard_event_figures: { Args: { p_event: string }; Returns: Json }
      dashboard_figures: {
        Args: { p_from: string; p_grain?: string; p_org?: string; p_to: string }
        Returns: Json
      }
      decide_appointment: {
        Args: { p_accept: boolean; p_id: string }
        Returns: Json
      }
      decide_venue_booking: {
        Args: { p_approve: boolean; p_booking_id: string; p_reason?: string }
        Returns: Json
      }
      decline_held_invitation: {
        Args: { p_event_id: string }
        Returns: boolean
      }
      delete_my_account: { Args: Record<PropertyKey, never>; Returns: Json }
      district_access: { Args: Record<PropertyKey, never>; Returns: boolean }
      district_course_figures: {
        Args: { p_from: string; p_to: string }
        Returns: {
          certificates: number
          completion_rate: number
          course_kind: Database["public"]["Enums"]["course_kind"]
          courses_held: number
          courses_running: number
          families_enrolled: number
          org_id: string
          org_kind: Database["public"]["Enums"]["organisation_kind"]
          org_name_en: string
          org_name_zh: string
          people_completed: number
          people_enrolled: number
        }[]
      }
      district_participation: {
        Args: { p_from: string; p_to: string }
        Returns: {
          category: Database["public"]["Enums"]["event_category"]
          channels: Json
          events_cancelled: number
          events_held: number
          events_published: number
          families_registered: number
          families_waitlisted: number
          fill_rate: number
          org_id: string
          org_kind: Database["public"]["Enums"]["organisation_kind"]
          org_name_en: string
          org_name_zh: string
          org_slug: string
          people_attended: number
          people_no_show: number
          people_registered: number
          people_waitlisted: number
          places_offered: number
        }[]
      }
      district_referral_figures: {
        Args: { p_from: string; p_to: string }
        Returns: {
          figure: string
          value: string
        }[]
      }
      end_referral: { Args: { p_referral_id: string }; Returns: undefined }
      enqueue_due_counselling_reminders: {
        Args: { p_now?: string }
        Returns: number
      }
      enqueue_due_reminders: { Args: { p_now?: string }; Returns: number }
      enqueue_feedback_requests: { Args: { p_now?: string }; Returns: number }
      enqueue_monthly_reports: { Args: { p_now?: string }; Returns: number }
      enrol_in_course: {
        Args: { p_course_id: string; p_member_ids: string[]; p_source?: string }
        Returns: Json
      }
      event_answers: { Args: { p_event_id: string }; Returns: Json }
      event_attendees: {
        Args: { p_event_id: string }
        Returns: {
          attendees: Json
          check_in_code: string
          created_at: string
          guardian_name: string
          phone_masked: string
          registration_id: string
          seats: number
          source: string
          status: Database["public"]["Enums"]["registration_status"]
          waitlist_position: number
        }[]
      }
      event_channel_counts: {
        Args: { p_org_id?: string }
        Returns: {
          cancelled: number
          event_id: string
          event_slug: string
          org_id: string
          people: number
          registrations: number
          source: string
          starts_at: string
          title_en: string
          title_zh: string
        }[]
      }
      event_details: { Args: { p_slug: string }; Returns: Json }
      event_feedback_summary: { Args: { p_event_id: string }; Returns: Json }
      event_message_progress: { Args: { p_event_id: string }; Returns: Json }
      event_page: { Args: { p_form?: boolean; p_slug: string }; Returns: Json }
      events_with_held_places: {
        Args: Record<PropertyKey, never>
        Returns: {
          event_id: string
          free_seats: number
          max_seats_per_family: number
          release_at: string
          slug: string
          starts_at: string
          title_en: string
          title_zh: string
        }[]
      }
      export_my_family: { Args: Record<PropertyKey, never>; Returns: Json }
      feedback_form_by_token: { Args: { p_token: string }; Returns: Json }
      find_events: {
        Args: {
          p_age?: number
          p_category?: Database["public"]["Enums"]["event_category"]
          p_compact?: boolean
          p_from?: string
          p_limit?: number
          p_offset?: number
          p_org_id?: string
          p_query?: string
          p_to?: string
        }
        Returns: Json
      }
      forget_client_attempts: {
        Args: { p_client: string; p_kind: string; p_window_seconds: number }
        Returns: undefined
      }
      give_consent: { Args: { p_version: string }; Returns: Json }
      held_place_for_me: { Args: { p_event_id: string }; Returns: Json }
      held_places_open_at: { Args: { p_event_id: string }; Returns: string }
      invite_to_held_place: {
        Args: {
          p_event_id: string
          p_expires_at?: string
          p_referral_id: string
          p_seats: number
        }
        Returns: Json
      }
      issue_course_certificates: {
        Args: { p_course_id: string }
        Returns: Json
      }
      mark_appointment: {
        Args: {
          p_id: string
          p_outcome: Database["public"]["Enums"]["appointment_status"]
        }
        Returns: Json
      }
      mark_email_failed: {
        Args: { p_batch_key: string; p_error: string; p_ids?: string[] }
        Returns: number
      }
      mark_emails_sent: {
        Args: { p_batch_key: string; p_results: Json }
        Returns: number
      }
      mark_no_shows: { Args: { p_event_id: string }; Returns: number }
      mark_notice_read: { Args: { p_notice_id: string }; Returns: boolean }
      message_event_families: {
        Args: {
          p_body: string
          p_event_id: string
          p_include_waitlisted?: boolean
          p_subject: string
        }
        Returns: Json
      }
      move_event: {
        Args: {
          p_confirmed?: boolean
          p_ends_at: string
          p_event_id: string
          p_starts_at: string
        }
        Returns: Json
      }
      move_venue_booking: {
        Args: { p_booking_id: string; p_ends_at: string; p_starts_at: string }
        Returns: Json
      }
      my_courses: { Args: Record<PropertyKey, never>; Returns: Json }
      my_held_places: {
        Args: Record<PropertyKey, never>
        Returns: {
          event_id: string
          invited_until: string
          slug: string
          starts_at: string
          title_en: string
          title_zh: string
        }[]
      }
      my_registrations: { Args: { p_event_id?: string }; Returns: Json }
      notice_by_token: { Args: { p_token: string }; Returns: Json }
      notice_receipts: { Args: { p_notice_id: string }; Returns: Json }
      org_referrals: {
        Args: { p_org_id: string }
        Returns: {
          code: string
          created_at: string
          ended: boolean
          ends_on: string
          guardian_email: string
          guardian_name: string
          linked: boolean
          participations: number
          reason: Database["public"]["Enums"]["referral_reason"]
          referral_id: string
          starts_on: string
        }[]
      }
      org_staff: {
        Args: { p_org_id: string }
        Returns: {
          created_at: string
          email: string
          role: Database["public"]["Enums"]["org_role"]
          user_id: string
        }[]
      }
      organisation_feedback: { Args: { p_org_id: string }; Returns: Json }
      public_events: {
        Args: {
          p_category?: Database["public"]["Enums"]["event_category"]
          p_ends_after?: string
          p_org_id?: string
          p_slug?: string
        }
        Returns: {
          cancelled_reason: string
          capacity: number
          category: Database["public"]["Enums"]["event_category"]
          created_at: string
          ends_at: string
          id: string
          max_child_age: number
          min_child_age: number
          org_email: string
          org_id: string
          org_kind: Database["public"]["Enums"]["organisation_kind"]
          org_name_en: string
          org_name_zh: string
          org_slug: string
          place_en: string
          place_zh: string
          registration_closes_at: string
          seats_taken: number
          sequence: number
          slug: string
          starts_at: string
          status: Database["public"]["Enums"]["event_status"]
          summary_en: string
          summary_zh: string
          title_en: string
          title_zh: string
          updated_at: string
          waitlist_enabled: boolean
        }[]
      }
      public_pages_version: {
        Args: Record<PropertyKey, never>
        Returns: number
      }
      publish_event: {
        Args: { p_event_id: string; p_whole_series?: boolean }
        Returns: Json
      }
      redeem_referral_code: { Args: { p_code: string }; Returns: Json }
      refer_family: {
        Args: {
          p_email: string
          p_ends_on: string
          p_org_id: string
          p_reason: Database["public"]["Enums"]["referral_reason"]
          p_starts_on: string
        }
        Returns: Json
      }
      referral_participations: {
        Args: { p_referral_id: string }
        Returns: {
          event_id: string
          held: boolean
          organisation_en: string
          organisation_zh: string
          seats: number
          starts_at: string
          status: Database["public"]["Enums"]["registration_status"]
          title_en: string
          title_zh: string
        }[]
      }
      refresh_dashboard_rollups: { Args: { p_limit?: number }; Returns: number }
      register_family: {
        Args: {
          p_answers?: Json
          p_event_id: string
          p_member_ids: string[]
          p_note?: string
          p_source?: string
        }
        Returns: Json
      }
      register_on_page: {
        Args: {
          p_answers?: Json
          p_event_id: string
          p_member_ids: string[]
          p_note?: string
          p_slug: string
          p_source?: string
        }
        Returns: Json
      }
      register_walk_in: {
        Args: {
          p_consent?: boolean
          p_email: string
          p_event_id: string
          p_guardian_name: string
          p_locale?: Database["public"]["Enums"]["app_locale"]
          p_members: Json
          p_phone: string
        }
        Returns: Json
      }
      release_held_places: { Args: { p_now?: string }; Returns: Json }
      remind_notice: { Args: { p_notice_id: string }; Returns: Json }
      remove_family_member: { Args: { p_id: string }; Returns: string }
      reply_to_feedback: {
        Args: { p_body: string; p_feedback_id: string; p_public?: boolean }
        Returns: Json
      }
      request_venue_booking: {
        Args: {
          p_ends_at: string
          p_org_id: string
          p_purpose: string
          p_starts_at: string
          p_venue_id: string
        }
        Returns: Json
      }
      reschedule_appointment: {
        Args: {
          p_counsellor_id?: string
          p_id: string
          p_mode?: Database["public"]["Enums"]["appointment_mode"]
          p_starts_at: string
        }
        Returns: Json
      }
      reschedule_emails: {
        Args: {
          p_batch_key: string
          p_count_failure?: boolean
          p_delay_ms: number
          p_error: string
          p_worker: string
        }
        Returns: boolean
      }
      retry_email: { Args: { p_id: string }; Returns: string }
      reveal_family_phone: {
        Args: { p_registration_id: string }
        Returns: Json
      }
      save_course: {
        Args: {
          p_course: Json
          p_event_ids: string[]
          p_id?: string
          p_org_id: string
        }
        Returns: string
      }
      save_event: {
        Args: { p_event: Json; p_id?: string; p_org_id: string }
        Returns: Json
      }
      save_family_member: {
        Args: {
          p_birth_year_month?: string
          p_grade?: string
          p_id?: string
          p_kind: Database["public"]["Enums"]["member_kind"]
          p_nickname: string
          p_notes?: string
        }
        Returns: Json
      }
      save_venue: {
        Args: {
          p_active: boolean
          p_address_en?: string
          p_address_zh?: string
          p_buffer_minutes: number
          p_capacity: number
          p_description_zh?: string
          p_id?: string
          p_name_en: string
          p_name_zh: string
          p_opening_hours: Json
          p_org_id: string
        }
        Returns: Json
      }
      send_notice: {
        Args: {
          p_attended_from?: string
          p_attended_to?: string
          p_body: string
          p_event_id?: string
          p_options?: string[]
          p_org_id?: string
          p_question?: string
          p_receipt_kind?: Database["public"]["Enums"]["receipt_kind"]
          p_subject: string
        }
        Returns: Json
      }
      set_event_hold: {
        Args: { p_event_id: string; p_release_at?: string; p_seats: number }
        Returns: Json
      }
      set_excused_absence: {
        Args: {
          p_event_id: string
          p_excused: boolean
          p_member_id: string
          p_reason?: string
        }
        Returns: Json
      }
      set_second_factor_requirement: {
        Args: { p_org_id: string; p_required: boolean }
        Returns: boolean
      }
      staff_calendar: {
        Args: {
          p_from: string
          p_org_id: string
          p_to: string
          p_venue_id?: string
        }
        Returns: Json
      }
      staff_room_requests: { Args: { p_org_id: string }; Returns: Json }
      submit_feedback: {
        Args: {
          p_come_again?: boolean
          p_enjoyed?: string
          p_improve?: string
          p_rating: number
          p_registration_id: string
        }
        Returns: Json
      }
      submit_feedback_by_token: {
        Args: {
          p_come_again?: boolean
          p_enjoyed?: string
          p_improve?: string
          p_rating: number
          p_token: string
        }
        Returns: Json
      }
      take_client_attempts: {
        Args: {
          p_clients: string[]
          p_kinds: string[]
          p_limits: number[]
          p_window_seconds: number
        }
        Returns: number
      }
      undo_check_in: { Args: { p_registration_id: string }; Returns: Json }
      unsubscribe_feedback_requests: {
        Args: { p_token: string }
        Returns: boolean
      }
      unsubscribe_reminders: { Args: { p_token: string }; Returns: boolean }
      venue_busy_periods: {
        Args: { p_from: string; p_to: string; p_venue_id: string }
        Returns: {
          busy_from: string
          busy_until: string
        }[]
      }
      verify_certificate: { Args: { p_serial: string }; Returns: Json }
      verify_certificate_from: {
        Args: { p_client: string; p_serial: string }
        Returns: Json
      }
    }
    Enums: {
      app_locale: "zh-CN" | "en"
      appointment_mode: "in_person" | "phone" | "video"
      appointment_status:
        | "requested"
        | "confirmed"
        | "declined"
        | "cancelled"
        | "attended"
        | "no_show"
      booking_status:
        | "requested"
        | "approved"
        | "rejected"
        | "cancelled"
        | "blocked"
      care_contact_kind:
        | "home_visit"
        | "phone_call"
        | "at_event"
        | "talk"
        | "other"
      contact_preference: "phone" | "email"
      counselling_subject: "child" | "parent" | "family"
      counselling_topic:
        | "study_pressure"
        | "parent_child"
        | "emotions_sleep"
        | "school_transition"
        | "other"
      course_enrolment_status: "confirmed" | "waitlisted" | "cancelled"
      course_kind:
        | "grandparents"
        | "new_parents"
        | "teenagers"
        | "early_childhood"
        | "family_education"
        | "other"
      event_category:
        | "parent_child_reading"
        | "study_trip"
        | "sports_day"
        | "traditional_culture"
        | "parenting_lecture"
        | "mental_health_salon"
        | "parent_class"
        | "grandparent_class"
        | "other"
      event_status: "draft" | "published" | "cancelled"
      held_invitation_status: "pending" | "accepted" | "declined" | "expired"
      material_audience: "public" | "registered"
      member_kind: "child" | "parent" | "grandparent"
      org_role: "staff" | "manager"
      organisation_kind:
        | "youth_centre"
        | "counselling_centre"
        | "women_children_centre"
        | "school_parent_school"
        | "community_parent_school"
        | "other"
      outbox_status: "pending" | "sending" | "sent" | "failed" | "skipped"
      question_kind:
        | "short_text"
        | "long_text"
        | "single_choice"
        | "multiple_choice"
        | "yes_no"
        | "number"
      question_scope: "family" | "attendee"
      receipt_kind: "none" | "received" | "choice"
      referral_reason: "left_behind" | "hardship" | "psychological" | "other"
      registration_status:
        | "confirmed"
        | "waitlisted"
        | "cancelled"
        | "attended"
        | "no_show"
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {
      app_locale: ["zh-CN", "en"],
      appointment_mode: ["in_person", "phone", "video"],
      appointment_status: [
        "requested",
        "confirmed",
        "declined",
        "cancelled",
        "attended",
        "no_show",
      ],
      booking_status: [
        "requested",
        "approved",
        "rejected",
        "cancelled",
        "blocked",
      ],
      care_contact_kind: [
        "home_visit",
        "phone_call",
        "at_event",
        "talk",
        "other",
      ],
      contact_preference: ["phone", "email"],
      counselling_subject: ["child", "parent", "family"],
      counselling_topic: [
        "study_pressure",
        "parent_child",
        "emotions_sleep",
        "school_transition",
        "other",
      ],
      course_enrolment_status: ["confirmed", "waitlisted", "cancelled"],
      course_kind: [
        "grandparents",
        "new_parents",
        "teenagers",
        "early_childhood",
        "family_education",
        "other",
      ],
      event_category: [
        "parent_child_reading",
        "study_trip",
        "sports_day",
        "traditional_culture",
        "parenting_lecture",
        "mental_health_salon",
        "parent_class",
        "grandparent_class",
        "other",
      ],
      event_status: ["draft", "published", "cancelled"],
      held_invitation_status: ["pending", "accepted", "declined", "expired"],
      material_audience: ["public", "registered"],
      member_kind: ["child", "parent", "grandparent"],
      org_role: ["staff", "manager"],
      organisation_kind: [
        "youth_centre",
        "counselling_centre",
        "women_children_centre",
        "school_parent_school",
        "community_parent_school",
        "other",
      ],
      outbox_status: ["pending", "sending", "sent", "failed", "skipped"],
      question_kind: [
        "short_text",
        "long_text",
        "single_choice",
        "multiple_choice",
        "yes_no",
        "number",
      ],
      question_scope: ["family", "attendee"],
      receipt_kind: ["none", "received", "choice"],
      referral_reason: ["left_behind", "hardship", "psychological", "other"],
      registration_status: [
        "confirmed",
        "waitlisted",
        "cancelled",
        "attended",
        "no_show",
      ],
    },
  },
} as const
